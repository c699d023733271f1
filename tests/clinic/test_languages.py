"""The clinic in the staff member's language: chosen in the header, kept on the account,
and every word of a Spanish page from a complete Spanish catalogue."""

import html
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlmodel import Session

from app.accounts.models import User
from app.clinic import i18n
from app.clinic.choices import PHASE_WORDS, TECHNIQUE_WORDS, technique_label
from app.clinic.measure import BAND_WORDS, PLAN_SECTION_WORDS, PLAN_SECTIONS
from app.core.config import get_settings
from app.core.i18n import LOCALE_DIR
from app.prompts.models import PromptPhase, Technique
from app.questionnaires.instruments import catalogue
from tests.clinic.conftest import Browser, flagged
from tests.entries.conftest import Team

FOLDER = LOCALE_DIR / "es" / "LC_MESSAGES"
CLINIC = Path(i18n.__file__).parent
HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


def _po() -> Any:
    with (FOLDER / "clinic.po").open("rb") as f:
        return read_po(f, locale="es", domain="clinic")


def _key(message_id: Any) -> str:
    return str(message_id[0] if isinstance(message_id, tuple | list) else message_id)


SPANISH = {_key(m.id): m for m in _po() if m.id}


def _spanish(team: Team, user: User) -> None:
    """The staff member sets Spanish on their account, as from the app (PATCH /v1/me)."""
    r = team.client.patch("/v1/me", json={"locale": "es"}, headers=team.login(user))
    assert r.status_code == 200, r.text


class Recorder:
    """The catalogue the pages translate with, noting each message asked for."""

    def __init__(self, inner: Any, used: set[str]) -> None:
        self.inner, self.used = inner, used

    def gettext(self, message: str) -> str:
        self.used.add(message)
        return str(self.inner.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self.used.add(singular)
        return str(self.inner.ngettext(singular, plural, n))


@pytest.fixture
def used(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    asked: set[str] = set()
    real = i18n._catalogue
    monkeypatch.setattr(i18n, "_catalogue", lambda locale: Recorder(real(locale), asked))
    return asked


def _untranslated(page: str) -> list[str]:
    """Catalogue texts a Spanish page still shows in English."""
    text = html.unescape(page)
    return [
        msgid
        for msgid, m in SPANISH.items()
        if len(msgid) >= 12 and "%(" not in msgid and m.string != msgid and msgid in text
    ]


def _check(page: str) -> None:
    assert HTML_LANG.search(page) and HTML_LANG.search(page).group(1) == "es"  # type: ignore[union-attr]
    assert _untranslated(page) == []


def test_a_therapist_chooses_spanish_in_the_header_and_keeps_it(
    team: Team, browser: Browser, db: Session
) -> None:
    browser.sign_in(team.therapist)
    queue = browser.get("/clinic/").text
    assert '<html lang="en">' in queue and "<h1>Queue</h1>" in queue
    assert '<option value="es" lang="es">Español</option>' in queue
    r = browser.post("/clinic/account/language", {"locale": "es", "next": "/clinic/patients"})
    assert r.status_code == 303 and r.headers["location"] == "/clinic/patients"
    page = browser.get("/clinic/patients").text
    assert '<html lang="es">' in page and "<h1>Pacientes</h1>" in page
    assert '<option value="es" lang="es" selected>Español</option>' in page
    db.expire_all()
    assert db.get(User, team.therapist.id).locale == "es"  # type: ignore[union-attr]
    # The API sees the same choice: it is the account's locale.
    assert team.client.get("/v1/me", headers=team.th).json()["locale"] == "es"
    back = browser.post("/clinic/account/language", {"locale": "en", "next": "/clinic/"})
    assert "<h1>Queue</h1>" in browser.get(back.headers["location"]).text


def test_an_unknown_language_is_refused_and_changes_nothing(
    team: Team, browser: Browser, db: Session
) -> None:
    browser.sign_in(team.therapist)
    r = browser.post("/clinic/account/language", {"locale": "fr", "next": "/clinic/"})
    assert r.status_code == 422
    db.expire_all()
    assert db.get(User, team.therapist.id).locale is None  # type: ignore[union-attr]


def test_a_language_change_goes_back_only_to_a_clinic_page(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    r = browser.post("/clinic/account/language", {"locale": "es", "next": "https://evil.example"})
    assert r.headers["location"] == "/clinic/"


def test_without_an_account_language_the_browser_decides(team: Team, browser: Browser) -> None:
    login = browser.get("/clinic/login", headers={"Accept-Language": "es-MX,es;q=0.9"}).text
    assert '<html lang="es">' in login and "<h1>Iniciar sesión</h1>" in login
    assert "<h1>Sign in</h1>" in browser.get("/clinic/login").text


def test_the_account_language_wins_over_the_browser(
    team: Team, browser: Browser, db: Session
) -> None:
    _spanish(team, team.therapist)
    browser.sign_in(team.therapist)
    queue = browser.get("/clinic/", headers={"Accept-Language": "en"}).text
    assert '<html lang="es">' in queue and "<h1>Pendientes</h1>" in queue


def test_a_spanish_therapists_pages_use_only_translated_words(
    team: Team, browser: Browser, db: Session, used: set[str]
) -> None:
    flag = flagged(team, db)
    _spanish(team, team.therapist)
    browser.sign_in(team.therapist)
    queue = browser.get("/clinic/").text
    _check(queue)
    assert "Alerta de seguridad" in queue and "Para revisión" in queue
    patient_url = f"/clinic/patients/{team.patient.id}"
    page = browser.get(patient_url).text
    _check(page)
    assert "Historial de alertas" in page and "Plan de seguridad" in page
    assert "pensamientos de suicidio" in page  # the flag's reason, in words
    refused = browser.post(f"/clinic/flags/{flag.id}/acknowledge", {"note": "Le dejé un mensaje."})
    assert refused.status_code == 422
    _check(refused.text)
    assert "Elija un resultado: lo que hizo ante esta alerta." in refused.text
    done = browser.post(f"/clinic/flags/{flag.id}/acknowledge", {"outcome": "safety_plan_reviewed"})
    confirmed = browser.get(done.headers["location"]).text
    _check(confirmed)
    assert "Alerta atendida: “Se revisó el plan de seguridad”" in confirmed
    sessions = team.client.get(f"/v1/patients/{team.patient.id}/sessions", headers=team.th)
    summary = browser.get(f"{patient_url}/sessions/{sessions.json()[0]['id']}/summary").text
    # The clinic's configured name (KAPJ_CLINIC_NAME) is a name, in no catalogue.
    _check(summary.replace(get_settings().clinic_name, ""))
    assert "Preparación de la integración" in summary
    _check(browser.get("/clinic/patients?q=zz").text)
    _check(browser.get("/clinic/no-such-page").text)
    # Every message the pages asked for has its Spanish text.
    assert used, "the pages translated nothing"
    missing = sorted(m for m in used if m not in SPANISH or not SPANISH[m].string)
    assert missing == []


def test_a_spanish_admins_pages_use_only_translated_words(
    team: Team, browser: Browser, db: Session, admin: User, used: set[str]
) -> None:
    flagged(team, db)
    _spanish(team, admin)
    browser.sign_in(admin)
    accounts = browser.get("/clinic/admin/users").text
    _check(accounts)
    assert "Crear una cuenta" in accounts and "Elija un rol" in accounts
    created = browser.post(
        "/clinic/admin/users",
        {"email": "nueva@clinic.example.org", "display_name": "Ana", "role": "therapist"},
    )
    assert created.status_code == 201
    _check(created.text)
    assert "Invitación para Ana" in created.text
    teams = browser.get("/clinic/admin/care-teams").text
    _check(teams)
    assert "Equipo de atención de cada paciente" in teams
    audit = browser.get("/clinic/admin/audit?from=not-a-date").text
    _check(audit)
    assert "No se entendió una fecha" in audit
    _check(browser.get("/clinic/patients").text)
    missing = sorted(m for m in used if m not in SPANISH or not SPANISH[m].string)
    assert missing == []


def test_the_spanish_catalogue_has_no_empty_or_fuzzy_entries() -> None:
    catalogue_ = _po()
    assert catalogue_.num_plurals == 2
    for m in catalogue_:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
        assert all(strings), f"no Spanish for {m.id!r}"
        assert "fuzzy" not in m.flags, f"fuzzy: {m.id!r}"
        # Each translation keeps the placeholders of its English.
        ids = m.id if isinstance(m.id, tuple | list) else (m.id,)
        wanted = set(re.findall(r"%\(\w+\)\w", " ".join(ids)))
        for s in strings:
            assert set(re.findall(r"%\(\w+\)\w", s)) == wanted, m.id


def test_the_committed_mo_file_is_compiled_from_the_po_file() -> None:
    def pairs(messages: Any) -> dict[Any, Any]:
        def key(v: Any) -> Any:
            return tuple(v) if isinstance(v, list | tuple) else v

        return {key(m.id): key(m.string) for m in messages if m.id}

    po = pairs(_po())
    with (FOLDER / "clinic.mo").open("rb") as f:
        mo = pairs(read_mo(f))
    assert mo == po, "run `make messages` and commit app/locale"


def test_the_catalogue_has_every_text_the_clinic_marks() -> None:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"trimmed": "true"}}
    keywords = DEFAULT_KEYWORDS | {"N_": None}
    marked = {
        _key(message)
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(CLINIC), method_map, options, keywords
        )
    }
    assert sorted(marked - set(SPANISH)) == [], "run `make messages` and translate"
    assert sorted(set(SPANISH) - marked) == [], "run `make messages`: these are gone"


def test_the_word_lists_cover_every_value_they_name() -> None:
    assert {technique_label(t.value) for t in Technique} == set(TECHNIQUE_WORDS)
    assert {technique_label(p.value) for p in PromptPhase} == set(PHASE_WORDS)
    assert {label for _key, label in PLAN_SECTIONS} == set(PLAN_SECTION_WORDS)
    bands = {b.label.replace("_", " ") for i in catalogue().values() for b in i.bands}
    assert bands <= set(BAND_WORDS)


def test_patient_text_keeps_its_own_language_on_a_spanish_page(
    team: Team, browser: Browser, db: Session
) -> None:
    r = team.client.patch("/v1/me", json={"locale": "en"}, headers=team.ph)
    assert r.status_code == 200, r.text
    flagged(team, db)
    _spanish(team, team.therapist)
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert '<html lang="es">' in page
    assert '<p class="body" lang="en">I want to die</p>' in page


def test_values_inside_translated_sentences_are_escaped(
    team: Team, browser: Browser, db: Session
) -> None:
    _spanish(team, team.therapist)
    browser.sign_in(team.therapist)
    page = browser.get("/clinic/patients", params={"q": "<b>x</b>"}).text
    assert "0 pacientes coinciden con “&lt;b&gt;x&lt;/b&gt;”." in page
    assert "<b>x</b>" not in page
