"""Push delivery against fake APNs (HTTP/2) and FCM servers on 127.0.0.1."""

import json
from datetime import timedelta

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.conftest import Clock
from tests.notifications.fake_fcm import fcm_error
from tests.notifications.push_env import Push, push, push_keys
from tests.notifications.push_helpers import (
    ANDROID_TOKEN,
    IOS_TOKEN,
    People,
    deliver,
    deliveries,
    device_ids,
    notification,
    people,
    record_session,
    register,
)

__all__ = ["push", "push_keys"]


def _reminder_due(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, *platforms: str
) -> People:
    """A patient with devices and a session; the clock moved to the opened reminder."""
    who = people(engine, live_app, clock.now)
    tokens = {"ios": IOS_TOKEN, "android": ANDROID_TOKEN}
    for platform in platforms:
        register(live_client, who.ph, platform, tokens[platform])
    record_session(live_client, who, clock.now)
    clock.advance(hours=2)
    return who


def test_a_reminder_reaches_an_iphone_and_an_android_phone(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "ios", "android")
    assert deliver(engine, push.sender(), clock.now) == 1
    (ios,) = push.apns.received
    assert ios.http_version == "2" and ios.token == IOS_TOKEN
    assert ios.body["aps"]["alert"] == {
        "title": "kap-journal",
        "body": "You have a journaling reminder.",
    }
    assert ios.headers["apns-collapse-id"] == "journal-reminder"
    (android,) = push.fcm.received
    assert android.token == ANDROID_TOKEN
    assert android.body["android"]["collapse_key"] == "journal-reminder"
    assert android.body["notification"]["body"] == "You have a journaling reminder."
    n = notification(engine, who.patient.id, "window_opened")
    assert n.status == "sent"
    rows = deliveries(engine, n.id)
    assert [(d.platform, d.ok, d.status) for d in rows] == [
        ("android", True, 200),
        ("ios", True, 200),
    ]


def test_the_deep_link_names_the_kind_and_the_session(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "ios", "android")
    deliver(engine, push.sender(), clock.now)
    n = notification(engine, who.patient.id, "window_opened")
    link = {
        "notification_id": str(n.id),
        "kind": "window_opened",
        "target_id": n.data["session_id"],
    }
    assert push.apns.received[0].body["link"] == link
    assert push.fcm.received[0].body["data"] == link


@pytest.mark.parametrize(("status", "reason"), [(410, "Unregistered"), (400, "BadDeviceToken")])
def test_a_token_apns_rejects_is_dropped(
    live_client: TestClient,
    live_app: FastAPI,
    engine: Engine,
    clock: Clock,
    push: Push,
    status: int,
    reason: str,
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "ios", "android")
    push.apns.scripted[IOS_TOKEN] = [(status, {"reason": reason}, {})]
    assert deliver(engine, push.sender(), clock.now) == 1
    n = notification(engine, who.patient.id, "window_opened")
    ios = [d for d in deliveries(engine, n.id) if d.platform == "ios"]
    assert [(d.ok, d.status, d.reason, d.token_dropped) for d in ios] == [
        (False, status, reason, True)
    ]
    assert str(ios[0].device_id) not in device_ids(engine, who.patient.id)
    assert len(device_ids(engine, who.patient.id)) == 1  # the Android phone stays


@pytest.mark.parametrize(
    ("status", "code", "field"),
    [(404, "UNREGISTERED", None), (400, "INVALID_ARGUMENT", "message.token")],
)
def test_a_token_fcm_rejects_is_dropped(
    live_client: TestClient,
    live_app: FastAPI,
    engine: Engine,
    clock: Clock,
    push: Push,
    status: int,
    code: str,
    field: str | None,
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "android")
    answer = fcm_error(status, code, field=field)
    push.fcm.scripted[ANDROID_TOKEN] = [(status, json.loads(answer.body), {})]
    assert deliver(engine, push.sender(), clock.now) == 1
    n = notification(engine, who.patient.id, "window_opened")
    assert [(d.status, d.reason, d.token_dropped) for d in deliveries(engine, n.id)] == [
        (status, code, True)
    ]
    assert device_ids(engine, who.patient.id) == set()


def test_an_invalid_argument_about_the_payload_keeps_the_token(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "android")
    answer = fcm_error(400, "INVALID_ARGUMENT", field="message.android.ttl")
    push.fcm.scripted[ANDROID_TOKEN] = [(400, json.loads(answer.body), {})]
    assert deliver(engine, push.sender(), clock.now) == 0
    assert len(device_ids(engine, who.patient.id)) == 1
    assert notification(engine, who.patient.id, "window_opened").status == "pending"


def test_a_429_is_retried_after_its_retry_after_and_only_where_it_failed(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "ios", "android")
    push.apns.scripted[IOS_TOKEN] = [(429, {"reason": "TooManyRequests"}, {"Retry-After": "600"})]
    sender, first = push.sender(), clock.now
    assert deliver(engine, sender, first) == 0
    n = notification(engine, who.patient.id, "window_opened")
    # Backoff alone would wait 30 s; the attempt's time plus the service's 600 s.
    assert n.status == "pending" and n.due_at - n.updated_at == timedelta(seconds=600)
    assert deliver(engine, sender, first + timedelta(seconds=599)) == 0
    assert deliver(engine, sender, clock.set(n.due_at)) == 1
    assert [r.token for r in push.apns.received] == [IOS_TOKEN, IOS_TOKEN]
    assert len(push.fcm.received) == 1  # the Android phone already had it
    rows = deliveries(engine, n.id)
    assert [(d.attempt, d.platform, d.status) for d in rows] == [
        (1, "android", 200),
        (1, "ios", 429),
        (2, "ios", 200),
    ]


def test_server_errors_back_off_then_reach_the_dead_letter(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "ios")
    push.apns.scripted[IOS_TOKEN] = [(503, {"reason": "ServiceUnavailable"}, {})] * 3
    sender = push.sender()
    for _ in range(3):
        deliver(engine, sender, clock.now, max_attempts=3)
        n = notification(engine, who.patient.id, "window_opened")
        clock.set(max(clock.now, n.due_at))
    assert n.status == "dead" and n.last_error == "ios 503 ServiceUnavailable"
    assert len(device_ids(engine, who.patient.id)) == 1


def test_an_unreachable_service_is_retried(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "ios")
    sender = push.sender()
    sender.clients["ios"].http.base_url = "http://127.0.0.1:9"  # type: ignore[attr-defined]
    assert deliver(engine, sender, clock.now) == 0
    n = notification(engine, who.patient.id, "window_opened")
    assert n.status == "pending" and n.due_at - n.updated_at == timedelta(seconds=30)
    assert deliveries(engine, n.id)[0].status is None


def _iat(token: str) -> int:
    return int(jwt.decode(token, options={"verify_signature": False})["iat"])


def test_an_expired_apns_provider_token_is_renewed_and_the_push_goes_through(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "ios")
    sender = push.sender()
    sender.clients["ios"].token.get()  # type: ignore[attr-defined]  # a token made 20 minutes ago, before the reminder
    clock.advance(minutes=20)
    push.apns.expired_before = clock.now  # Apple now considers it expired
    assert deliver(engine, sender, clock.now) == 1
    first, second = push.apns.provider_tokens
    assert _iat(second) > _iat(first)
    assert notification(engine, who.patient.id, "window_opened").status == "sent"


def test_the_apns_provider_token_is_reused_then_renewed_before_an_hour(
    push: Push, clock: Clock
) -> None:
    token = push.sender().clients["ios"].token  # type: ignore[attr-defined]
    first = token.get()
    clock.advance(minutes=49)
    assert token.get() == first
    clock.advance(minutes=1)
    assert _iat(token.get()) == _iat(first) + 50 * 60


def test_an_fcm_access_token_the_service_refuses_is_renewed_once(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "android")
    sender = push.sender()
    sender.clients["android"].token.get()  # type: ignore[attr-defined]
    push.fcm.access_tokens.clear()  # revoked on the server's side
    assert deliver(engine, sender, clock.now) == 1
    assert push.fcm.tokens_issued == 2
    assert notification(engine, who.patient.id, "window_opened").status == "sent"


def test_the_fcm_access_token_is_renewed_before_it_expires(push: Push, clock: Clock) -> None:
    token = push.sender().clients["android"].token  # type: ignore[attr-defined]
    first = token.get()
    clock.advance(minutes=54)
    assert token.get() == first and push.fcm.tokens_issued == 1
    clock.advance(minutes=1)
    assert token.get() != first and push.fcm.tokens_issued == 2


def test_an_fcm_429_waits_for_its_retry_after(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = _reminder_due(live_client, live_app, engine, clock, "android")
    quota = json.loads(fcm_error(429, "QUOTA_EXCEEDED").body)
    push.fcm.scripted[ANDROID_TOKEN] = [(429, quota, {"Retry-After": "120"})]
    sender = push.sender()
    assert deliver(engine, sender, clock.now) == 0
    n = notification(engine, who.patient.id, "window_opened")
    assert n.due_at - n.updated_at == timedelta(seconds=120)
    assert n.last_error == "android 429 QUOTA_EXCEEDED"
    assert deliver(engine, sender, clock.set(n.due_at)) == 1
    assert [d.status for d in deliveries(engine, n.id)] == [429, 200]
