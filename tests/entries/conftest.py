"""A patient with a care-team therapist and helpers to write through the API."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from tests.conftest import Clock
from tests.factories import make_patient, make_therapist


def iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


@dataclass
class Team:
    client: TestClient
    patient: User
    therapist: User
    ph: dict[str, str]
    th: dict[str, str]
    clock: Clock
    login: Any = None

    def relogin(self) -> None:
        """New tokens at the clock's current time (after moving it past 15 minutes)."""
        self.ph, self.th = self.login(self.patient), self.login(self.therapist)

    def session(self, at: datetime, **kw: Any) -> str:
        r = self.client.post(
            f"/v1/patients/{self.patient.id}/sessions",
            json={"administered_at": iso(at), "route": "im"} | kw,
            headers=self.th,
        )
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def write(
        self, written_at: datetime, body: str = "I noticed the light.", **kw: Any
    ) -> dict[str, Any]:
        r = self.client.post(
            "/v1/entries", json={"body": body, "written_at": iso(written_at)} | kw, headers=self.ph
        )
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    def get(self, entry_id: str | uuid.UUID) -> dict[str, Any]:
        r = self.client.get(f"/v1/entries/{entry_id}", headers=self.ph)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]


@pytest.fixture
def team(client: TestClient, db: Session, login, clock: Clock) -> Team:  # type: ignore[no-untyped-def]
    patient = make_patient(db)
    therapist = make_therapist(db, patients=(patient,))
    return Team(client, patient, therapist, login(patient), login(therapist), clock, login)
