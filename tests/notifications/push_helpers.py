"""People, devices and deliveries for the push tests (the app's HTTP API, committed)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.notifications.dispatch import dispatch_once
from app.notifications.models import Device, Notification, NotificationDelivery
from app.notifications.senders import Sender
from app.worker import still_wanted
from tests.factories import auth_headers, make_patient, make_therapist

IOS_TOKEN = "a1b2" * 16
ANDROID_TOKEN = "dGVzdC1pbnN0YW5jZQ:APA91b" + "Qx7_-" * 30


@dataclass
class People:
    patient: User
    therapist: User
    ph: dict[str, str]
    th: dict[str, str]


def people(engine: Engine, app: FastAPI, now: datetime) -> People:
    with Session(engine, expire_on_commit=False) as db, db.begin():
        patient = make_patient(db)
        therapist = make_therapist(db, patients=(patient,))
        tokens = app.state.ctx.tokens
        ph = auth_headers(db, tokens, patient, now=now)
        th = auth_headers(db, tokens, therapist, now=now)
    return People(patient, therapist, ph, th)


def sign_in(engine: Engine, app: FastAPI, user: User, now: datetime) -> dict[str, str]:
    with Session(engine, expire_on_commit=False) as db, db.begin():
        return auth_headers(db, app.state.ctx.tokens, user, now=now)


def register(client: TestClient, headers: dict[str, str], platform: str, token: str) -> str:
    r = client.post("/v1/me/devices", json={"platform": platform, "token": token}, headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def record_session(client: TestClient, who: People, at: datetime) -> str:
    r = client.post(
        f"/v1/patients/{who.patient.id}/sessions",
        json={"administered_at": at.isoformat(), "route": "im"},
        headers=who.th,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def deliver(engine: Engine, sender: Sender, now: datetime, max_attempts: int = 5) -> int:
    return dispatch_once(
        engine, sender=sender, now=now, max_attempts=max_attempts, still_wanted=still_wanted
    )


def notification(engine: Engine, user_id: uuid.UUID, kind: str) -> Notification:
    with Session(engine) as db:
        row = db.exec(
            select(Notification).where(Notification.user_id == user_id, Notification.kind == kind)
        ).one()
        db.expunge(row)
        return row


def deliveries(engine: Engine, nid: uuid.UUID) -> list[NotificationDelivery]:
    with Session(engine, expire_on_commit=False) as db:
        return list(
            db.exec(
                select(NotificationDelivery)
                .where(NotificationDelivery.notification_id == nid)
                .order_by(col(NotificationDelivery.attempt), col(NotificationDelivery.platform))
            ).all()
        )


def device_ids(engine: Engine, user_id: uuid.UUID) -> set[str]:
    with Session(engine) as db:
        return {str(d.id) for d in db.exec(select(Device).where(Device.user_id == user_id))}
