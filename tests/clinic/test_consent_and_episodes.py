"""A patient's page shows their consent state and their episodes of care, read as
GET /v1/patients/{id}/consents and …/episodes read them (and audited the same way)."""

import re
from html.parser import HTMLParser
from typing import Any

from sqlmodel import Session, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from tests.clinic.conftest import Browser
from tests.entries.conftest import Team


class _Tables(HTMLParser):
    """Each table of a page by its class: rows of (cell text) with the header cells' scope."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.scopes: dict[str, list[str | None]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = (a.get("class") or "").split()[0]
            self.tables[self._table], self.scopes[self._table] = [], []
        elif self._table and tag == "tr":
            self.tables[self._table].append([])
        elif self._table and tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.scopes[self._table].append(a.get("scope"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def _publish(team: Team, admin_h: dict[str, str], kind: str) -> dict[str, Any]:
    r = team.client.post(
        "/v1/consent-documents",
        json={"kind": kind, "texts": {"en": f"The {kind} text."}},
        headers=admin_h,
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _decide(team: Team, doc: dict[str, Any], decision: str) -> None:
    r = team.client.post(
        "/v1/me/consents", json={"document_id": doc["id"], "decision": decision}, headers=team.ph
    )
    assert r.status_code == 201, r.text


def _page(team: Team, browser: Browser) -> str:
    r = browser.get(f"/clinic/patients/{team.patient.id}")
    assert r.status_code == 200, r.text
    return r.text


def test_before_anything_is_published_or_discharged_the_page_says_so(
    team: Team, browser: Browser
) -> None:
    browser.sign_in(team.therapist)
    page = _page(team, browser)
    assert '<h2 id="consent-h">Consent and episodes of care</h2>' in page
    assert "published no consent documents: nothing is required" in page
    assert "In treatment since enrolment" in page
    assert "consents" not in tables(page).tables


def test_the_page_shows_each_document_decision_version_and_time_and_the_episodes(
    team: Team, browser: Browser, admin: User, login: Any, db: Session
) -> None:
    admin_h = login(admin)
    terms = _publish(team, admin_h, "app_terms")
    sharing = _publish(team, admin_h, "care_team_sharing")
    _publish(team, admin_h, "research")
    _decide(team, terms, "accepted")
    _decide(team, sharing, "accepted")
    team.clock.advance(minutes=5)
    _decide(team, sharing, "withdrawn")
    # A new version of the terms: the earlier acceptance is of version 1.
    _publish(team, admin_h, "app_terms")
    team.clock.advance(days=1)
    team.relogin()
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/discharge",
        json={"reason": "Course completed"},
        headers=team.th,
    )
    assert r.status_code == 200, r.text
    team.clock.advance(days=30)
    team.relogin()
    r = team.client.post(f"/v1/patients/{team.patient.id}/readmission", headers=team.th)
    assert r.status_code == 201, r.text

    browser.sign_in(team.therapist)
    page = _page(team, browser)
    found = tables(page)
    header, *rows = found.tables["consents"]
    assert header == ["Document", "Current version", "Decision", "Decided", "In force"]
    by_kind = {row[0]: row[1:] for row in rows}
    terms_row = by_kind["Terms of the app (required)"]
    assert terms_row[0] == "Version 2"
    assert terms_row[1] == "Accepted (of version 1)"
    assert re.search(r"\d{4}", terms_row[2])  # when, in the therapist's zone
    sharing_row = by_kind["Sharing with the care team (required)"]
    assert sharing_row[:2] == ["Version 1", "Withdrawn"]
    assert sharing_row[3] == "No"
    assert by_kind["Research (optional)"] == ["Version 1", "No decision yet", "—", "No"]
    assert "Nothing new is shared with the care team" in page
    # Every header cell says what it heads.
    assert set(found.scopes["consents"]) == {"col", "row"}

    header, *episodes = found.tables["episodes"]
    assert header == ["Admitted", "Discharged", "Reason for discharge"]
    assert len(episodes) == 2
    assert episodes[0][2] == "Course completed" and episodes[0][1] != "In treatment"
    assert episodes[1][1:] == ["In treatment", "—"]
    assert set(found.scopes["episodes"]) == {"col"}

    # The page's reads are the API's, audited the same way.
    actions = set(
        db.exec(
            select(AuditEvent.action).where(
                AuditEvent.actor_id == team.therapist.id, AuditEvent.patient_id == team.patient.id
            )
        ).all()
    )
    assert {"consent.read", "care_episode.list"} <= actions


def test_the_api_gives_the_care_team_the_same_consent_state(
    team: Team, admin: User, login: Any
) -> None:
    sharing = _publish(team, login(admin), "care_team_sharing")
    _decide(team, sharing, "declined")
    r = team.client.get(f"/v1/patients/{team.patient.id}/consents", headers=team.th)
    assert r.status_code == 200, r.text
    (item,) = r.json()["items"]
    assert (item["kind"], item["decision"]["decision"], item["in_force"]) == (
        "care_team_sharing",
        "declined",
        False,
    )
    assert r.json()["sharing_allowed"] is False
    # Not the patient's own route: a patient asks /v1/me/consents.
    mine = team.client.get(f"/v1/patients/{team.patient.id}/consents", headers=team.ph)
    assert mine.status_code == 404


def test_no_fixed_widths_on_the_new_tables() -> None:
    from pathlib import Path

    import app.clinic

    root = Path(app.clinic.__file__).parent
    template = (root / "templates" / "patient.html").read_text()
    section = template[template.index('<section id="consent"') :]
    assert "style=" not in section and "width=" not in section
    css = (root / "static" / "clinic.css").read_text()
    # The phone-width rule stacks every `cards` table; both new tables are cards.
    assert "table.cards" in css
    assert section.count('class="consents cards"') == section.count('class="episodes cards"') == 1


def test_assigning_a_questionnaire_after_discharge_is_refused_with_a_page(
    team: Team, browser: Browser
) -> None:
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/discharge", json={"reason": "Done"}, headers=team.th
    )
    assert r.status_code == 200, r.text
    browser.sign_in(team.therapist)
    r = browser.post(f"/clinic/patients/{team.patient.id}/questionnaires", {"code": "phq9"})
    assert r.status_code == 409
    assert "Treatment has ended" in r.text
