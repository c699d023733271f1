"""The safety notice, crisis resources, flag messages and notifications in the user's language."""

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from app.core.config import DEFAULT_CRISIS_RESOURCES, Settings
from app.notifications.models import Notification
from tests.entries.conftest import Team


def _spanish(team: Team, headers: dict[str, str]) -> None:
    r = team.client.patch("/v1/me", json={"locale": "es"}, headers=headers)
    assert r.status_code == 200, r.text


def test_english_resources_list_988_by_call_text_and_chat_the_spanish_line_and_emergency(
    team: Team,
) -> None:
    body = team.client.get("/v1/safety", headers=team.ph).json()
    channels = {c["channel"] for c in body["crisis_resources"]}
    assert channels == {"call", "text", "chat", "emergency"}
    contacts = " ".join(c["contact"] for c in body["crisis_resources"])
    assert "Call 988" in contacts and "Text 988" in contacts and "press 2" in contacts
    assert any("988lifeline.org" in (c["url"] or "") for c in body["crisis_resources"])


def test_a_spanish_speaker_gets_the_notice_and_the_spanish_crisis_line(team: Team) -> None:
    _spanish(team, team.ph)
    body = team.client.get("/v1/safety", headers=team.ph).json()
    assert body["notice"].startswith("Nadie revisa tu diario en tiempo real")
    assert "no un diagnóstico" in body["screening"]
    contacts = [c["contact"] for c in body["crisis_resources"]]
    assert "Llama al 988 y marca 2 (Ayuda en español)" in contacts
    assert {c["channel"] for c in body["crisis_resources"]} == {"call", "text", "chat", "emergency"}


def test_a_flagged_entry_answers_in_the_patients_language(team: Team) -> None:
    _spanish(team, team.ph)
    e = team.write(team.clock.now, body="I bought a rope yesterday.")
    assert e["safety"]["message"].startswith("Lo que escribiste sugiere")
    assert "puede leer esta entrada" in e["safety"]["message"]
    assert e["safety"]["crisis_resources"][0]["contact"].startswith("Llama al 988")


def test_a_flagged_private_entry_says_so_in_spanish(team: Team) -> None:
    _spanish(team, team.ph)
    e = team.write(team.clock.now, body="Some days I want to die.", shared_with_care_team=False)
    assert "no verá el texto de esta entrada privada" in e["safety"]["message"]


def test_the_flag_alert_is_written_in_each_therapists_language(team: Team, db: Session) -> None:
    _spanish(team, team.th)
    team.write(team.clock.now, body="Some days I want to die.")
    alert = db.exec(
        select(Notification).where(
            Notification.user_id == team.therapist.id, Notification.kind == "safety_flag"
        )
    ).one()
    assert (alert.title, alert.body) == (
        "Un paciente podría necesitar atención",
        "Abre kap-journal para ver una alerta de seguridad.",
    )


def test_a_window_reminder_is_written_in_the_patients_language(team: Team, db: Session) -> None:
    _spanish(team, team.ph)
    team.session(team.clock.now)
    reminders = db.exec(
        select(Notification).where(
            Notification.user_id == team.patient.id, Notification.kind == "window_opened"
        )
    ).all()
    assert [n.body for n in reminders] == ["Tienes un recordatorio para escribir en tu diario."]


def test_crisis_resources_accept_the_old_list_form_as_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAPJ_CRISIS_RESOURCES", '[{"label": "Clinic", "contact": "555-0100"}]')
    s = Settings(env="test")
    assert s.crisis_resources == {"en": [{"label": "Clinic", "contact": "555-0100"}]}


def test_crisis_resources_per_locale_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "KAPJ_CRISIS_RESOURCES",
        '{"es": [{"label": "Línea de la clínica", "contact": "Llama al 555-0100"}]}',
    )
    s = Settings(env="test")
    assert s.crisis_resources["es"][0]["contact"] == "Llama al 555-0100"
    assert s.crisis_resources["en"] == DEFAULT_CRISIS_RESOURCES["en"]  # English stays


def test_crisis_resources_for_an_unknown_locale_refuse_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAPJ_CRISIS_RESOURCES", '{"fr": []}')
    with pytest.raises(ValidationError, match="unknown locale 'fr'"):
        Settings(env="test")


def test_pending_reminders_take_the_new_language(team: Team, db: Session) -> None:
    team.session(team.clock.now)
    _spanish(team, team.ph)
    pending = db.exec(
        select(Notification).where(
            Notification.user_id == team.patient.id, Notification.kind == "window_opened"
        )
    ).one()
    assert pending.body == "Tienes un recordatorio para escribir en tu diario."
