"""A therapist's day and an admin's task in a real browser (Debian's Chromium), with axe.

Runs on SQLite only: the server is the real `kap-journal serve` with the demo clinic.
"""

import csv
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.core.security import TokenConfig, decode_access_token, issue_access_token
from app.seed import DEMO_ENTRIES, DEMO_PASSWORD
from tests.clinic.server import SIGNING_KEY, demo_server

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)"
    ),
    # One server and one browser for the walk, its steps in file order, on one worker.
    pytest.mark.xdist_group("browser"),
]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RIVERA = "rivera@demo.kap-journal.org"
OKAFOR = "okafor@demo.kap-journal.org"
ADMIN = "admin@demo.kap-journal.org"
CASEY = "casey@demo.kap-journal.org"
SHOTS = os.environ.get("KAPJ_CLINIC_SCREENSHOTS")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("clinic")) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


DESK, PHONE = (1366, 768), (390, 844)
SIZES = pytest.mark.parametrize("page", [DESK, PHONE], ids=["desk", "phone"], indirect=True)


@pytest.fixture
def page(chromium: Any, base_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    width, height = getattr(request, "param", DESK)
    context = chromium.new_context(base_url=base_url, viewport={"width": width, "height": height})
    errors: list[str] = []
    pg = context.new_page()
    # A CSP violation or a script error shows up here: the pages must have none.
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    # Refusals the walk provokes on purpose (404, 401, 422) are not script errors.
    assert [e for e in errors if not any(c in e for c in ("404", "401", "422"))] == []


def accessible(page: Any) -> None:
    """axe-core on the current page: no serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], page.url


def fits(page: Any) -> None:
    """Nothing scrolls sideways, and no chart label is cut at its drawing's edge."""
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, (page.url, wide)
    cut = page.evaluate(
        """() => [...document.querySelectorAll("svg text")].filter(t => {
             const r = t.getBoundingClientRect(), s = t.ownerSVGElement.getBoundingClientRect();
             return r.width > 0 && (r.right > s.right + 0.5 || r.left < s.left - 0.5);
           }).map(t => t.textContent)"""
    )
    assert cut == [], page.url


def checked(page: Any) -> None:
    fits(page)
    accessible(page)


def sign_in(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/clinic/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def shot(page: Any, name: str, full_page: bool = True) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), full_page=full_page, caret="initial")


PAGES_ADMIN = [
    "/clinic/admin/users",
    "/clinic/admin/care-teams",
    "/clinic/patients",
]


# First in the file, so its screenshots show the demo clinic as seeded, before the
# walks below add entries and acknowledge flags.
@SIZES
def test_every_page_fits_and_passes_axe_at_both_sizes(page: Any) -> None:
    from playwright.sync_api import expect

    pg = page
    tag = "desk" if pg.viewport_size["width"] > 500 else "phone"

    def check(name: str | None, full_page: bool = True) -> None:
        checked(pg)
        if name:
            shot(pg, f"{name}-{tag}.png", full_page)

    pg.goto("/clinic/login")
    check("login")
    sign_in(pg, RIVERA)
    check("queue")
    pg.goto("/clinic/?show=flagged&sort=name")
    expect(pg.get_by_label("Show")).to_have_value("flagged")
    check(None)
    pg.get_by_role("link", name="Patients").click()
    pg.get_by_label("Search patients").fill("sam")
    pg.get_by_role("button", name="Search").click()
    expect(pg.get_by_role("link", name="Sam")).to_be_visible()  # search finds a patient
    expect(pg.get_by_role("link", name="Alex")).to_have_count(0)
    check("patients")
    for name in ("Alex", "Casey"):
        pg.goto("/clinic/")
        pg.get_by_role("link", name=name).click()
        # Every part of the page measured: the safety-plan form open too.
        pg.locator("#safety-plan summary").click()
        expect(pg.get_by_role("button", name="Save the safety plan")).to_be_visible()
        for part in ("#charts", "#questionnaires table", "#consent", "#flag-history"):
            expect(pg.locator(part).first).to_be_attached()
        check(f"patient-{name.lower()}")
    pg.goto(pg.url.split("?")[0] + "?entries=unreviewed")
    expect(pg.get_by_label("Show entries")).to_have_value("unreviewed")
    check(None)
    pg.goto("/clinic/")
    pg.get_by_role("link", name="Alex").click()
    pg.get_by_role("link", name="Integration prep (printable)").first.click()
    expect(pg.get_by_role("button", name="Print")).to_be_visible()
    check("summary")
    pg.goto(f"/clinic/patients/{uuid.uuid4()}")
    check("not-found")
    pg.get_by_role("button", name="Sign out").click()
    sign_in(pg, ADMIN)
    expect(pg.get_by_label("Role")).to_have_value("")  # the role must be chosen
    for path in PAGES_ADMIN:
        pg.goto(path)
        check("admin-" + path.rsplit("/", 1)[-1])
    pg.goto("/clinic/admin/audit")
    check(None)  # every event, the longest page
    # The audit trail narrowed to one patient, one actor and the days around now (the
    # admin's dates are New York's, not UTC's), then exported.
    pg.get_by_label("Patient").select_option(label="Casey")
    pg.get_by_label("Who acted").select_option(label=f"Dr. Ana Rivera ({RIVERA})")
    now = datetime.now(UTC)
    since, until = ((now + timedelta(days=d)).date().isoformat() for d in (-1, 1))
    pg.get_by_label("From").fill(since)
    pg.get_by_label("To").fill(until)
    pg.get_by_role("button", name="Filter").click()
    rows = pg.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() == pg.locator("tbody td[data-label=Patient]", has_text="Casey").count()
    check("admin-audit", full_page=False)  # the filters and the first events
    link = pg.get_by_role("link", name="Download these events as CSV")
    href = str(link.get_attribute("href"))
    assert "patient_id=" in href and "actor_id=" in href and f"from={since}" in href
    export = pg.request.get(href)
    assert export.status == 200 and export.headers["content-type"].startswith("text/csv")
    events = list(csv.DictReader(export.text().splitlines()))
    assert {(e["patient"], e["actor_handle"]) for e in events} == {("Casey", RIVERA)}
    more = pg.get_by_role("link", name="Older events").count()  # the page shows 100 at most
    assert len(events) == rows.count() if not more else len(events) > rows.count()
    pg.goto(f"/clinic/patients/{uuid.uuid4()}")  # an admin's error page leads home
    home = pg.get_by_role("link", name="Back to the clinic")
    assert home.get_attribute("href") == "/clinic/admin/users"


def _casey_writes(base_url: str, body: str) -> None:
    """Casey, in the app, shares an entry that raises a safety flag: each walk has its own."""
    import httpx

    with httpx.Client(base_url=base_url, timeout=10) as api:
        token = api.post("/v1/auth/token", data={"username": CASEY, "password": DEMO_PASSWORD})
        h = {"Authorization": f"Bearer {token.json()['access_token']}"}
        now = datetime.now(UTC).isoformat()
        r = api.post("/v1/entries", json={"body": body, "written_at": now}, headers=h)
        assert r.status_code == 201, r.text


# Each size schedules a different patient's integration session, so either may run first.
SCHEDULES = {DESK[0]: "Sam", PHONE[0]: "Lucía"}


@SIZES
def test_a_therapists_day(page: Any, base_url: str) -> None:
    from playwright.sync_api import expect

    width = page.viewport_size["width"]
    worry = f"I want to die. Written for the {width} px walk."
    _casey_writes(base_url, worry)

    page.goto("/clinic/login")
    checked(page)
    sign_in(page, RIVERA)
    expect(page.get_by_role("heading", name="Queue", level=1)).to_be_visible()
    expect(page.locator("table.queue .flag").first).to_have_text("Safety flag")
    checked(page)

    # The queue narrowed to open flags and ordered by name, through its own form.
    page.get_by_label("Show").select_option(label="Open safety flags")
    page.get_by_label("Sort by").select_option(label="Name")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/clinic/\?show=flagged&sort=name$"))
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("rowheader")).to_have_text("Casey")
    expect(page.get_by_text("1 patient of")).to_be_visible()
    checked(page)
    page.goto("/clinic/?sort=name")
    names = page.locator("table.queue tbody th").all_inner_texts()
    assert names == sorted(names, key=str.casefold) and len(names) > 2

    page.goto("/clinic/")
    page.get_by_role("link", name="Alex").click()
    expect(page.get_by_role("heading", name="Alex", level=1)).to_be_visible()
    expect(page.get_by_text("I kept thinking of the lake.")).to_be_visible()
    expect(page.get_by_text("Some of this I want to keep to myself")).to_have_count(0)
    expect(page.locator("svg title").first).not_to_be_empty()
    checked(page)

    entry = page.locator("article.entry", has_text="burned the toast")
    entry.get_by_label("Private note").fill("Kindness to self: follow up.")
    entry.get_by_label("Discuss in integration session").check()
    url = page.url
    entry.get_by_role("button", name="Mark reviewed").click()
    updated = page.locator("article.entry", has_text="burned the toast")
    expect(updated.get_by_text("Marked reviewed.")).to_be_visible()  # swapped in place by htmx
    expect(updated.get_by_text("Private note: Kindness to self: follow up.")).to_be_visible()
    assert page.url == url

    page.goto("/clinic/")
    page.get_by_role("link", name="Casey").click()
    casey = page.url.split("?")[0]
    # The entries narrowed to flagged ones: this walk's entry is there and marked.
    page.get_by_label("Show entries").select_option(label="Flagged")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?entries=flagged"))
    mine = page.locator("article.entry", has_text=worry)
    expect(mine.locator(".flag")).to_have_text("Flagged")
    expect(page.locator("article.entry", has_text="I called my sister")).to_have_count(0)
    checked(page)
    # Then to unreviewed ones, ticked and marked reviewed together.
    page.goto(casey + "?entries=unreviewed")
    expect(page.get_by_label("Show entries")).to_have_value("unreviewed")
    picks = page.locator("article.entry").get_by_label("Select")
    count = picks.count()
    assert count >= 1 and page.locator("article.entry", has_text=worry).count() == 1
    for i in range(count):
        picks.nth(i).check()
    page.get_by_role("button", name="Mark selected entries reviewed").click()
    done = f"Marked {count} {'entry' if count == 1 else 'entries'} reviewed."
    expect(page.get_by_text(done)).to_be_visible()
    page.goto(casey + "?entries=unreviewed")
    expect(page.locator("article.entry", has_text=worry)).to_have_count(0)

    page.goto(casey)
    expect(page.get_by_text("Safety flag", exact=True).first).to_be_visible()
    flag = page.locator("li.flag-item").first
    expect(flag.get_by_text("Reason:")).to_be_visible()
    expect(flag.get_by_label("Outcome")).to_have_value("")  # no outcome preselected
    note = f"Called; safe at home ({width} px)."
    flag.get_by_label("Note (optional, kept private to staff)").fill(note)
    flag.get_by_role("button", name="Acknowledge").click()  # no outcome chosen: refused
    flag = page.locator("li.flag-item").first
    expect(flag.get_by_text("Choose an outcome: what you did about this flag.")).to_be_visible()
    expect(flag.get_by_label("Note (optional, kept private to staff)")).to_have_value(note)
    checked(page)
    flag.get_by_label("Outcome").select_option(label="Contacted the patient")
    flag.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Flag acknowledged: “Contacted the patient”")).to_be_visible()
    expect(page.get_by_role("heading", name="Flag history")).to_be_visible()
    acknowledged = page.locator("table.history tr", has_text=note)
    expect(acknowledged.get_by_text("Contacted the patient")).to_be_visible()
    expect(acknowledged.get_by_text("Dr. Ana Rivera")).to_be_visible()
    checked(page)

    # The safety plan, written or edited with the patient.
    plan = page.locator("#safety-plan")
    plan.get_by_text(re.compile("(Write a|Edit the) plan with the patient")).click()
    plan.get_by_label("Reasons for living").fill(f"My dog\nThe {width} px walk")
    checked(page)  # the open form fits too
    plan.get_by_role("button", name="Save the safety plan").click()
    expect(page.get_by_text("Safety plan saved.")).to_be_visible()
    expect(plan.locator("dl.plan").get_by_text(f"The {width} px walk")).to_be_visible()
    plan.get_by_text("Edit the plan with the patient").click()
    expect(plan.get_by_label("Reasons for living")).to_have_value(
        re.compile(f"The {width} px walk")
    )

    page.goto("/clinic/")
    who = SCHEDULES[width]
    page.get_by_role("link", name=who).click()
    patient = page.url
    when = page.get_by_label("Integration session time").first
    when.fill("2020-01-01T09:00")  # a past time: refused beside the field, kept
    page.get_by_role("button", name="Schedule").first.click()
    refused = page.locator(".field-error", has_text="cannot be scheduled in the past").first
    expect(refused).to_be_visible()
    expect(page.get_by_label("Integration session time").first).to_have_value("2020-01-01T09:00")
    expect(page.get_by_label("Integration session time").first).to_have_attribute(
        "aria-invalid", "true"
    )
    checked(page)
    page.goto(patient)
    page.get_by_role("button", name="Schedule").first.click()
    expect(page.get_by_text("Within the recommended range.").first).to_be_visible()
    expect(page.get_by_text("Integration session scheduled.").first).to_be_visible()
    checked(page)

    page.get_by_role("link", name="Integration prep (printable)").first.click()
    expect(page.get_by_role("heading", name=f"Integration prep: {who}")).to_be_visible()
    checked(page)
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()  # not on paper
    page.emulate_media(media="screen")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.goto("/clinic/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_the_queue_works_from_the_keyboard(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/clinic/login")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    page.keyboard.type(RIVERA)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Queue", level=1)).to_be_visible()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Alex":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Alex", level=1)).to_be_visible()


def test_an_admin_adds_a_therapist_to_a_care_team_and_never_sees_journal_text(
    page: Any,
) -> None:
    from playwright.sync_api import expect

    sign_in(page, ADMIN)
    expect(page.get_by_role("heading", name="Accounts")).to_be_visible()
    accessible(page)
    page.get_by_label("Email").fill("lee@demo.kap-journal.org")
    page.get_by_label("Display name").fill("Dr. Lee")
    assert page.get_by_label("Role").input_value() == ""  # the role must be chosen
    page.get_by_label("Role").select_option("therapist")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Invitation for Dr. Lee")).to_be_visible()
    expect(page.get_by_label("Invitation token")).not_to_be_empty()
    accessible(page)
    page.goto("/clinic/invitation")  # where Dr. Lee sets a password with the token
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    accessible(page)
    page.goto("/clinic/admin/users")
    page.get_by_role("link", name="Care teams").click()
    page.get_by_label("Patient").select_option(label="Sam (sam@demo.kap-journal.org)")
    page.get_by_label("Therapist").select_option(
        label="Dr. Chidi Okafor (okafor@demo.kap-journal.org)"
    )
    page.get_by_role("button", name="Add to care team").click()
    row = page.get_by_role("row", name="Sam")
    expect(row.get_by_text("Dr. Chidi Okafor")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    accessible(page)
    for path in ("/clinic/admin/users", "/clinic/admin/care-teams", "/clinic/admin/audit"):
        page.goto(path)
        html = page.content()
        assert all(text[:30] not in html for *_rest, text in DEMO_ENTRIES)


def test_a_therapist_with_an_authenticator_app_enters_the_code(page: Any, base_url: str) -> None:
    import httpx
    import pyotp
    from playwright.sync_api import expect

    api = httpx.Client(base_url=base_url, timeout=10)
    admin = api.post("/v1/auth/token", data={"username": ADMIN, "password": DEMO_PASSWORD})
    h = {"Authorization": f"Bearer {admin.json()['access_token']}"}
    body = {"email": "ito@demo.kap-journal.org", "role": "therapist", "display_name": "Dr. Ito"}
    token = api.post("/v1/users", json=body, headers=h).json()["invitation"]["token"]
    signed = api.post("/v1/auth/invitation", json={"token": token, "password": DEMO_PASSWORD})
    h = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    secret = api.post("/v1/me/mfa/totp", headers=h).json()["secret"]
    totp, now = pyotp.TOTP(secret), datetime.now(UTC)
    confirmed = api.post("/v1/me/mfa/totp/confirm", json={"code": totp.at(now)}, headers=h)
    assert confirmed.status_code == 200, confirmed.text

    sign_in(page, "ito@demo.kap-journal.org")
    expect(page.get_by_role("heading", name="Authentication code")).to_be_visible()
    accessible(page)
    # The next 30-second step's code: accepted, and never the one just used to enrol.
    page.get_by_label("Authentication code").fill(totp.at(now + timedelta(seconds=30)))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Queue", level=1)).to_be_visible()


def test_another_therapists_patient_is_not_found(page: Any, base_url: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, OKAFOR)
    page.get_by_role("link", name="Casey").click()
    mine = page.url
    sign_in(page, RIVERA)
    page.goto("/clinic/")
    jordan = _patient_link(page, OKAFOR, "Jordan")
    response = page.goto(jordan)
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    accessible(page)
    missing = page.goto(f"/clinic/patients/{uuid.uuid4()}")
    assert missing.status == 404
    assert mine  # okafor could open his own patient


def _patient_link(page: Any, email: str, name: str) -> str:
    """The page address of a patient in another therapist's queue, from a second browser."""
    context = page.context.browser.new_context(base_url=page.url.split("/clinic")[0])
    other = context.new_page()
    sign_in(other, email)
    href = other.get_by_role("link", name=name).get_attribute("href")
    context.close()
    return str(href)


def test_a_form_post_without_the_csrf_token_is_forbidden(page: Any) -> None:
    sign_in(page, RIVERA)
    response = page.request.post("/clinic/logout", form={"x": "1"})
    assert response.status == 403
    page.goto("/clinic/")
    assert page.get_by_role("heading", name="Queue").is_visible()


def test_an_expired_session_returns_to_sign_in(page: Any) -> None:
    from playwright.sync_api import expect

    sign_in(page, RIVERA)
    _stale_cookie(page)
    page.goto("/clinic/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Your session has ended")).to_be_visible()


def _stale_cookie(page: Any) -> None:
    """The same sign-in, last active 16 minutes ago: past the 15-minute idle timeout."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "kapj_clinic")
    cfg = TokenConfig(SIGNING_KEY, "kap-journal", "kap-journal:clinic", timedelta(minutes=15))
    claims = decode_access_token(cfg, cookie["value"], now=datetime.now(UTC))
    assert claims is not None
    stale = issue_access_token(
        cfg,
        user_id=claims.user_id,
        sign_in_id=claims.sign_in_id,
        role=claims.role,
        now=datetime.now(UTC) - timedelta(minutes=16),
    )
    page.context.add_cookies([cookie | {"value": stale}])


@SIZES
def test_a_note_written_as_the_session_expires_comes_back_after_signing_in(page: Any) -> None:
    from playwright.sync_api import expect

    sign_in(page, RIVERA)
    page.get_by_role("link", name="Alex").click()
    patient = page.url
    entry = page.locator("article.entry", has_text="burned the toast")
    note = entry.get_by_label("Private note")
    note_id = note.get_attribute("id")
    _stale_cookie(page)
    # A plain form post (no htmx) after expiry, as the no-JavaScript path takes it.
    page.evaluate(
        "id => { const f = document.getElementById(id).form; f.removeAttribute('hx-post'); }",
        note_id,
    )
    note.fill("Half-written: ask about the lake.")
    page.evaluate("id => document.getElementById(id).form.requestSubmit()", note_id)
    expect(page.get_by_text("Your session has ended")).to_be_visible()
    # The sign-in page learns where to return from the draft in a deferred script: a
    # person cannot type before it has run, a test under load can.
    page.wait_for_load_state("load")
    page.get_by_label("Email").fill(RIVERA)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Alex", level=1)).to_be_visible()
    assert page.url.split("#")[0] == patient
    expect(page.locator(f"#{note_id}")).to_have_value("Half-written: ask about the lake.")
    expect(page.get_by_text("What you had typed is back in the form")).to_be_visible()


@SIZES
def test_the_idle_warning_offers_to_stay_signed_in(page: Any) -> None:
    from playwright.sync_api import expect

    page.clock.install()
    sign_in(page, RIVERA)
    expect(page.get_by_role("heading", name="Queue", level=1)).to_be_visible()
    page.wait_for_load_state("load")  # the idle timers are armed by a deferred script
    page.clock.fast_forward("13:01")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    checked(page)
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", name="Queue", level=1)).to_be_visible()


@SIZES
def test_a_therapist_chooses_spanish(page: Any) -> None:
    from playwright.sync_api import expect

    sign_in(page, OKAFOR)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Pendientes", level=1)).to_be_visible()
    checked(page)
    # Back to English, for the walks that follow.
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar", exact=True).click()
    expect(page.get_by_role("heading", name="Queue", level=1)).to_be_visible()


@pytest.fixture(scope="module", autouse=True)
def _screenshots_folder() -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
    assert shutil.which  # keeps the import for tools that look for chromium on PATH
