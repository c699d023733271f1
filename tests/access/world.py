"""A small clinic for the access matrix: two patients' worth of every kind of object.

P is "the patient": on the care team of T. X owns the "other" objects and is on
the care team of TX; neither X nor TX ever calls. Q (another patient), T2 (a
therapist off P's team) and A (the admin) are strangers to both.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.auth_service import start_session
from app.accounts.models import SignIn, User
from app.core.security import TokenConfig
from tests.conftest import Clock
from tests.entries.conftest import iso
from tests.factories import PASSWORD, make_admin, make_patient, make_therapist

CALLERS = ("patient", "other_patient", "therapist", "other_therapist", "admin", "anon")

# Words the safety screen flags, so that each patient has a safety flag.
RISKY_TEXT = "Some nights I want to die."


@dataclass
class Owner:
    """One patient's objects, by path parameter name."""

    user: User
    therapist: User
    ids: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    client: TestClient
    clock: Clock
    patient: Owner
    other: Owner
    headers: dict[str, dict[str, str]]
    refresh_token: str  # the patient's

    def params(self, kind: str) -> dict[str, str]:
        """Path parameters for an object kind: own, private, other, other_private, mixed."""
        own, other = self.patient.ids, self.other.ids
        if kind == "own":
            return dict(own)
        if kind == "private":
            return own | {"entry_id": own["private_entry_id"]}
        if kind == "other":
            return dict(other)
        if kind == "other_private":
            return other | {"entry_id": other["private_entry_id"]}
        if kind == "mixed":  # my patient id, someone else's object under it
            return other | {"patient_id": own["patient_id"]}
        raise ValueError(kind)


def _post(client: TestClient, path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    r = client.post(path, json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def _fill(
    client: TestClient, owner: Owner, ph: dict[str, str], th: dict[str, str], now: Any
) -> None:
    pid = str(owner.user.id)
    session = _post(
        client,
        f"/v1/patients/{pid}/sessions",
        th,
        {"administered_at": iso(now - timedelta(hours=2)), "route": "im"},
    )
    written = iso(now - timedelta(hours=1))
    shared = _post(client, "/v1/entries", ph, {"body": "shared text", "written_at": written})
    private = _post(
        client,
        "/v1/entries",
        ph,
        {"body": "private text", "written_at": written, "shared_with_care_team": False},
    )
    flagged = _post(client, "/v1/entries", ph, {"body": RISKY_TEXT, "written_at": written})
    item = _post(
        client,
        f"/v1/patients/{pid}/integration-sessions",
        th,
        {"session_id": session["id"], "scheduled_at": iso(now + timedelta(hours=26))},
    )
    assignment = _post(
        client,
        f"/v1/patients/{pid}/prompts",
        th,
        {"title": "For you", "text": "What did you notice?", "technique": "capture"},
    )
    device = _post(client, "/v1/me/devices", ph, {"platform": "ios", "token": uuid.uuid4().hex * 2})
    plan = client.put("/v1/me/safety-plan", json={"coping_strategies": ["a walk"]}, headers=ph)
    assert plan.status_code == 200, plan.text
    owner.ids.update(
        assignment_id=assignment["id"],
        prompt_id=assignment["prompt"]["id"],
        device_id=device["id"],
        patient_id=pid,
        user_id=pid,
        therapist_id=str(owner.therapist.id),
        session_id=session["id"],
        entry_id=shared["id"],
        private_entry_id=private["id"],
        flag_id=flagged["safety"]["flag_id"],
        item_id=item["id"],
        code="phq9",  # questionnaires are named by code, the same for everyone
    )


def build_world(client: TestClient, db: Session, tokens: TokenConfig, clock: Clock) -> World:
    p, x, q = make_patient(db), make_patient(db), make_patient(db)
    t, tx = make_therapist(db, patients=(p,)), make_therapist(db, patients=(x,))
    t2, admin = make_therapist(db), make_admin(db)

    def sign_in(user: User) -> tuple[dict[str, str], str]:
        issued = start_session(db, tokens, user=user, now=clock.now, refresh_ttl=timedelta(days=30))
        return {"Authorization": f"Bearer {issued.access_token}"}, issued.refresh_token

    def sign_in_id(user: User) -> str:
        rows = db.exec(select(SignIn.id).where(SignIn.user_id == user.id)).all()
        return str(rows[0])

    (ph, refresh), (xh, _), (txh, _) = sign_in(p), sign_in(x), sign_in(tx)
    headers = {
        "patient": ph,
        "other_patient": sign_in(q)[0],
        "therapist": sign_in(t)[0],
        "other_therapist": sign_in(t2)[0],
        "admin": sign_in(admin)[0],
        "anon": {},
    }
    db.flush()
    world = World(client, clock, Owner(p, t), Owner(x, tx), headers, refresh)
    _fill(client, world.patient, ph, headers["therapist"], clock.now)
    _fill(client, world.other, xh, txh, clock.now)
    world.patient.ids["sign_in_id"] = sign_in_id(p)
    world.other.ids["sign_in_id"] = sign_in_id(x)
    world.patient.ids["auth_session_id"] = sign_in_id(p)
    world.other.ids["auth_session_id"] = sign_in_id(x)
    return world


def random_params(params: dict[str, str], keep: tuple[str, ...] = ()) -> dict[str, str]:
    """The same parameters with fresh random ids, except those in `keep`."""
    return {k: (v if k in keep else str(uuid.uuid4())) for k, v in params.items()}


__all__ = ["CALLERS", "PASSWORD", "World", "build_world", "random_params"]
