"""What a phone is sent: no health detail, urgency for safety, and token shapes."""

import json
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import Engine

from app.notifications.payloads import apns_request, fcm_message
from app.notifications.schemas import DeviceCreate
from app.notifications.senders import Message
from tests.conftest import Clock
from tests.hygiene import Capture
from tests.notifications.push_env import Push, push, push_keys
from tests.notifications.push_helpers import (
    ANDROID_TOKEN,
    IOS_TOKEN,
    deliver,
    people,
    record_session,
    register,
)

__all__ = ["push", "push_keys"]

SECRET_WORDS = "heron-7f3a tangerine-9c1b"
CRISIS = f"I saw the {SECRET_WORDS} again tonight. I bought a rope yesterday."


def _everything_sent(push: Push) -> str:
    sent = [(r.headers, r.body) for r in push.apns.received + push.fcm.received]
    return json.dumps(sent)


def _safety_alert(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    """The therapist's phones get a safety alert after the patient writes a crisis text."""
    who = people(engine, live_app, clock.now)
    register(live_client, who.th, "ios", IOS_TOKEN)
    register(live_client, who.th, "android", ANDROID_TOKEN)
    register(live_client, who.ph, "ios", "c3" * 32)
    record_session(live_client, who, clock.now)
    entry = {"body": CRISIS, "written_at": clock.now.isoformat(), "mood": 1}
    assert live_client.post("/v1/entries", json=entry, headers=who.ph).status_code == 201
    deliver(engine, push.sender(), clock.advance(hours=2))
    # Two hours on, the unacknowledged flag has also escalated (tests/safety); these
    # tests look at the first alert and the reminder.
    for received in (push.apns.received, push.fcm.received):
        received[:] = [r for r in received if "safety_escalation" not in json.dumps(r.body)]


def test_nothing_the_patient_wrote_reaches_a_push_payload(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    _safety_alert(live_client, live_app, engine, clock, push)
    assert len(push.apns.received) == 2 and len(push.fcm.received) == 1  # the alert, a reminder
    sent = _everything_sent(push)
    for word in [*SECRET_WORDS.split(), "go on", "mood"]:
        assert word not in sent


def test_a_safety_alert_is_time_sensitive_on_ios_and_high_priority_on_android(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    _safety_alert(live_client, live_app, engine, clock, push)
    (ios,) = [r for r in push.apns.received if r.token == IOS_TOKEN]
    assert ios.body["aps"]["interruption-level"] == "time-sensitive"
    assert ios.body["aps"]["alert"]["title"] == "A patient may need attention"
    assert "apns-collapse-id" not in ios.headers
    (android,) = push.fcm.received
    assert android.body["android"]["priority"] == "HIGH"
    assert android.body["android"]["notification"]["notification_priority"] == "PRIORITY_HIGH"
    assert android.body["data"]["kind"] == "safety_flag"
    (reminder,) = [r for r in push.apns.received if r.token != IOS_TOKEN]
    assert reminder.body["aps"]["interruption-level"] == "active"


MARK = "zq-private-"
# Written by a patient: quotes, accents and escapes included.
private_text = st.text(alphabet="ab yz'\"\\é\n", max_size=20).map(lambda t: MARK + t)


@given(
    kind=st.sampled_from(["window_opened", "window_closing", "integration_prep", "safety_flag"]),
    data=st.dictionaries(
        st.sampled_from(["session_id", "flag_id", "answers", "note", "body", "score"]),
        st.one_of(private_text, st.lists(private_text, max_size=3)),
    ),
)
def test_payloads_carry_only_generic_text_and_ids_whatever_the_data(
    kind: str, data: dict[str, object]
) -> None:
    message = Message(
        id=str(uuid.uuid4()),
        kind=kind,
        user_id=str(uuid.uuid4()),
        title="kap-journal",
        body="You have a journaling reminder.",
        data=data,
        due_at="2026-03-02T15:00:00+00:00",
    )
    body, headers = apns_request(message, "org.example.kapjournal")
    sent = json.dumps([body, headers, fcm_message(message, ANDROID_TOKEN)])
    assert MARK not in sent
    assert set(body) == {"aps", "link"} and set(body["link"]) <= {"notification_id", "kind"}


def test_questionnaire_pushes_share_one_slot_on_the_phone() -> None:
    message = Message(
        id=str(uuid.uuid4()),
        kind="questionnaire_due",
        user_id=str(uuid.uuid4()),
        title="kap-journal",
        body="Tienes cuestionarios para completar cuando tengas un momento.",
        data={"code": "phq9"},
        due_at="2026-03-02T15:00:00+00:00",
    )
    _body, headers = apns_request(message, "org.example.kapjournal")
    android = fcm_message(message, ANDROID_TOKEN)["android"]
    assert headers["apns-collapse-id"] == android["collapse_key"] == "questionnaires-due"


@pytest.mark.parametrize(
    ("platform", "token"),
    [
        ("ios", ANDROID_TOKEN),
        ("android", IOS_TOKEN),
        ("ios", "a1b2c3"),
        ("ios", "g1" * 32),
        ("ios", "a" * 65),
        ("android", "has space " * 12),
    ],
)
def test_a_token_of_the_wrong_shape_for_its_platform_is_422(
    client: TestClient,
    login,
    db,
    platform: str,
    token: str,  # type: ignore[no-untyped-def]
) -> None:
    from tests.factories import make_patient

    headers = login(make_patient(db))
    r = client.post("/v1/me/devices", json={"platform": platform, "token": token}, headers=headers)
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert r.json()["errors"][0]["loc"][-1] == "token"


@given(st.binary(min_size=32, max_size=100))
def test_any_hex_apns_token_of_32_bytes_or_more_is_accepted(raw: bytes) -> None:
    device = TypeAdapter(DeviceCreate)
    assert device.validate_python({"platform": "ios", "token": raw.hex()}).token == raw.hex()
    with pytest.raises(ValidationError):
        device.validate_python({"platform": "android", "token": raw.hex()[:98]})


def test_no_log_line_holds_a_device_token_or_a_credential(
    live_client: TestClient,
    live_app: FastAPI,
    engine: Engine,
    clock: Clock,
    push: Push,
    captured_logs: Capture,
) -> None:
    before = len(captured_logs.lines)
    push.apns.scripted[IOS_TOKEN] = [(410, {"reason": "Unregistered"}, {})]
    push.fcm.refuse_all_tokens = True  # an error line is written, too
    _safety_alert(live_client, live_app, engine, clock, push)
    lines = "\n".join(captured_logs.lines[before:])
    assert "push_auth_failed" in lines
    secrets = [IOS_TOKEN, ANDROID_TOKEN, "c3" * 32, *push.apns.provider_tokens]
    secrets += list(push.fcm.access_tokens)
    assert not [s for s in secrets if s in lines]


def test_safety_pushes_carry_the_flag_id_and_the_level() -> None:
    from app.notifications.payloads import fcm_message, link

    flag_id = str(uuid.uuid4())
    for kind, level, urgent in [
        ("safety_flag", "urgent", True),
        ("safety_escalation", "urgent", True),
        ("safety_flag", "review", False),
    ]:
        message = Message(
            id=str(uuid.uuid4()),
            kind=kind,
            user_id=str(uuid.uuid4()),
            title="A patient may need attention",
            body="Open kap-journal to see a safety flag.",
            data={"urgent": urgent, "level": level, "flag_id": flag_id, "patient_id": "x"},
            due_at="2026-03-02T15:00:00Z",
        )
        assert link(message) | {"notification_id": ""} == {
            "notification_id": "",
            "kind": kind,
            "target_id": flag_id,
            "level": level,
        }
        android = fcm_message(message, "token")["android"]
        assert android["priority"] == ("HIGH" if urgent else "NORMAL")
