"""Escalation, with the real dispatcher and the test clock: a flag left open goes to
the on-call staff and the care team again, exactly once; one acknowledged in time
does not."""

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.accounts.models import User
from app.core.config import Settings
from app.notifications.dispatch import claim, deliver, dispatch_once
from app.notifications.payloads import apns_request, fcm_message, link
from app.notifications.senders import Message
from app.safety.models import SafetyFlag
from app.worker import still_wanted
from tests.conftest import Clock
from tests.entries.conftest import iso
from tests.factories import auth_headers, make_patient, make_therapist

ONCALL = "oncall@clinic.example.org"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"safety_oncall_emails": [ONCALL], "safety_escalation_minutes": 30}
    )


class Recorder:
    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)


@dataclass
class Clinic:
    patient: User
    therapist: User
    oncall: User
    ph: dict[str, str]
    th: dict[str, str]


@pytest.fixture
def clinic(live_app, live_db: Session, clock: Clock) -> Clinic:  # type: ignore[no-untyped-def]
    patient = make_patient(live_db)
    therapist = make_therapist(live_db, patients=(patient,))
    # On call from Tokyo, where 15:30 UTC is after midnight: quiet hours must not matter.
    oncall = make_therapist(live_db, email=ONCALL, timezone="Asia/Tokyo")
    tokens = live_app.state.ctx.tokens
    ph = auth_headers(live_db, tokens, patient, now=clock.now)
    th = auth_headers(live_db, tokens, therapist, now=clock.now)
    live_db.commit()
    return Clinic(patient, therapist, oncall, ph, th)


def _flag(client: TestClient, clinic: Clinic, clock: Clock) -> str:
    r = client.post(
        "/v1/entries",
        json={"body": "I want to die tonight", "written_at": iso(clock.now)},
        headers=clinic.ph,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["safety"]["flag_id"])


def _run(engine: Engine, sender: Recorder, clock: Clock) -> list[tuple[str, str]]:
    before = len(sender.sent)
    dispatch_once(engine, sender=sender, now=clock.now, max_attempts=3, still_wanted=still_wanted)
    # Only the safety notifications: a flag also puts the C-SSRS screener on the
    # patient's schedule, whose reminder is the questionnaires' business.
    return sorted((m.kind, m.user_id) for m in sender.sent[before:] if m.kind.startswith("safety"))


def test_a_flag_left_open_escalates_exactly_once(
    live_client: TestClient, engine: Engine, clock: Clock, clinic: Clinic
) -> None:
    sender = Recorder()
    flag_id = _flag(live_client, clinic, clock)
    # Urgent: the care team and the on-call staff at once, whatever the hour in Tokyo.
    assert _run(engine, sender, clock) == sorted(
        [("safety_flag", str(clinic.therapist.id)), ("safety_flag", str(clinic.oncall.id))]
    )
    clock.advance(minutes=29)
    assert _run(engine, sender, clock) == []
    clock.advance(minutes=2)
    assert _run(engine, sender, clock) == sorted(
        [
            ("safety_escalation", str(clinic.therapist.id)),
            ("safety_escalation", str(clinic.oncall.id)),
        ]
    )
    for _ in range(3):
        clock.advance(hours=1)
        assert _run(engine, sender, clock) == []
    escalations = [m for m in sender.sent if m.kind == "safety_escalation"]
    assert all(m.data["urgent"] is True for m in escalations)
    # The push opens the flag: its id as `target_id`, as the first notice has it.
    pushes = [m for m in sender.sent if m.kind.startswith("safety")]
    assert len(pushes) == 4
    for m in pushes:
        assert (link(m)["target_id"], link(m)["level"]) == (flag_id, "urgent")
        body, _ = apns_request(m, "org.example.kap")
        assert body["link"]["target_id"] == flag_id
        assert fcm_message(m, "tok")["data"]["target_id"] == flag_id
    assert all("die" not in m.title + m.body for m in sender.sent)


def test_a_flag_acknowledged_in_time_does_not_escalate(
    live_client: TestClient, engine: Engine, clock: Clock, clinic: Clinic
) -> None:
    sender = Recorder()
    flag_id = _flag(live_client, clinic, clock)
    _run(engine, sender, clock)
    clock.advance(minutes=10)
    r = live_client.post(
        f"/v1/safety-flags/{flag_id}/acknowledge",
        json={"outcome": "contacted_patient"},
        headers=clinic.th,
    )
    assert r.status_code == 200, r.text
    clock.advance(minutes=30)
    assert _run(engine, sender, clock) == []
    clock.advance(hours=5)
    assert _run(engine, sender, clock) == []
    assert sorted(m.kind for m in sender.sent if m.kind.startswith("safety")) == [
        "safety_flag",
        "safety_flag",
    ]


def test_an_escalation_checks_the_flag_when_it_falls_due(
    live_client: TestClient, engine: Engine, clock: Clock, clinic: Clinic
) -> None:
    """Acknowledged after the rows were claimed but before sending: nothing goes out."""
    sender = Recorder()
    flag_id = _flag(live_client, clinic, clock)
    _run(engine, sender, clock)
    clock.advance(minutes=31)
    with Session(engine, expire_on_commit=False) as db, db.begin():
        taken = claim(db, now=clock.now, limit=10)
        flag = db.get(SafetyFlag, uuid.UUID(flag_id))
        assert flag is not None
        flag.acknowledged_at = clock.now
        db.add(flag)
    deliver(engine, taken, sender=sender, now=clock.now, max_attempts=3, still_wanted=still_wanted)
    assert [m.kind for m in sender.sent if m.kind.startswith("safety")] == [
        "safety_flag",
        "safety_flag",
    ]
