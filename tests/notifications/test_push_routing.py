"""Where a notification goes without devices, and credentials that keep failing."""

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from app.core.clock import get_now
from app.main import create_app
from tests.conftest import Clock
from tests.hygiene import Capture
from tests.notifications.push_env import Push, push, push_keys
from tests.notifications.push_helpers import (
    IOS_TOKEN,
    deliver,
    deliveries,
    notification,
    people,
    record_session,
    register,
    sign_in,
)
from tests.notifications.test_delivery import receiver

__all__ = ["push", "push_keys"]


def test_a_patient_without_devices_gets_the_webhook(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = people(engine, live_app, clock.now)
    record_session(live_client, who, clock.now)
    with receiver() as (url, got):
        push.settings = push.settings.model_copy(
            update={"webhook_url": url, "webhook_secret": SecretStr("hook-secret")}
        )
        assert deliver(engine, push.sender(), clock.advance(hours=2)) == 1
    assert [json.loads(body)["kind"] for _, body in got] == ["window_opened"]
    assert push.apns.received == [] and push.fcm.received == []


def test_a_patient_without_devices_or_webhook_finds_it_in_the_feed(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = people(engine, live_app, clock.now)
    record_session(live_client, who, clock.now)
    assert deliver(engine, push.sender(), clock.advance(hours=2)) == 1
    n = notification(engine, who.patient.id, "window_opened")
    assert n.status == "sent" and deliveries(engine, n.id) == []
    headers = sign_in(engine, live_app, who.patient, clock.now)  # two hours later
    feed = live_client.get("/v1/me/notifications", headers=headers)
    assert [item["id"] for item in feed.json()["items"]] == [str(n.id)]


def test_when_every_token_is_rejected_the_webhook_gets_it(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    who = people(engine, live_app, clock.now)
    register(live_client, who.ph, "ios", IOS_TOKEN)
    record_session(live_client, who, clock.now)
    push.apns.unregistered.add(IOS_TOKEN)
    with receiver() as (url, got):
        push.settings = push.settings.model_copy(
            update={"webhook_url": url, "webhook_secret": SecretStr("hook-secret")}
        )
        assert deliver(engine, push.sender(), clock.advance(hours=2)) == 1
    assert len(got) == 1 and json.loads(got[0][1])["device_tokens"] == []


def test_apns_credentials_refused_after_one_renewal_fail_loudly(
    live_client: TestClient,
    live_app: FastAPI,
    engine: Engine,
    clock: Clock,
    push: Push,
    captured_logs: Capture,
) -> None:
    who = people(engine, live_app, clock.now)
    register(live_client, who.ph, "ios", IOS_TOKEN)
    record_session(live_client, who, clock.now)
    push.apns.refuse_all_tokens = True
    # The app's own dispatcher, wired to its /metrics (its thread is never started here).
    app = create_app(push.settings.model_copy(update={"env": "development"}), engine)
    app.dependency_overrides[get_now] = lambda: clock.now
    assert deliver(engine, app.state.worker.sender, clock.advance(hours=2)) == 0
    assert len(push.apns.provider_tokens) == 2  # the first, and one renewal
    n = notification(engine, who.patient.id, "window_opened")
    assert n.status == "pending" and n.last_error == "ios 403 InvalidProviderToken"
    metrics = TestClient(app).get("/metrics").text
    assert 'kapj_push_auth_failures_total{platform="ios"} 1.0' in metrics
    assert 'kapj_push_deliveries_total{outcome="failed",platform="ios"} 1.0' in metrics
    assert any("push_auth_failed" in line and "error" in line for line in captured_logs.lines)


def test_fcm_credentials_refused_after_one_renewal_fail_loudly(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    from tests.notifications.push_helpers import ANDROID_TOKEN

    who = people(engine, live_app, clock.now)
    register(live_client, who.ph, "android", ANDROID_TOKEN)
    record_session(live_client, who, clock.now)
    push.fcm.refuse_all_tokens = True
    assert deliver(engine, push.sender(), clock.advance(hours=2)) == 0
    assert push.fcm.tokens_issued == 2
    n = notification(engine, who.patient.id, "window_opened")
    assert n.last_error == "android 401 THIRD_PARTY_AUTH_ERROR"
    failures = push.registry.get_sample_value(
        "kapj_push_auth_failures_total", {"platform": "android"}
    )
    assert failures == 1.0


def test_a_device_on_a_platform_without_its_service_is_relayed_to_the_webhook(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock, push: Push
) -> None:
    from tests.notifications.push_helpers import ANDROID_TOKEN

    who = people(engine, live_app, clock.now)
    register(live_client, who.ph, "ios", IOS_TOKEN)
    register(live_client, who.ph, "android", ANDROID_TOKEN)
    record_session(live_client, who, clock.now)
    with receiver() as (url, got):
        push.settings = push.settings.model_copy(
            update={
                "apns_key_file": None,  # FCM only
                "webhook_url": url,
                "webhook_secret": SecretStr("hook-secret"),
            }
        )
        assert deliver(engine, push.sender(), clock.advance(hours=2)) == 1
    (relayed,) = [json.loads(body)["device_tokens"] for _, body in got]
    assert [(d["platform"], d["token"]) for d in relayed] == [("ios", IOS_TOKEN)]
    assert [r.token for r in push.fcm.received] == [ANDROID_TOKEN] and push.apns.received == []
