"""Every POST that creates something takes an Idempotency-Key, with one rule.

The list of creating POSTs comes from the app's routes: a new one without a case
here (or without the header) fails these tests.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.accounts.models import CareTeamMember
from app.core.openapi import operation_id
from app.core.routing import creates
from tests.conftest import Clock
from tests.contract.spec import spec
from tests.entries.conftest import Team, iso
from tests.factories import NOW, make_admin, make_patient, make_therapist
from tests.questionnaires.conftest import gad7


def _creating_routes(app: FastAPI) -> dict[str, str]:
    """operationId -> path of every POST answering 201, as the app routes them."""
    found = {}
    for ctx in routing.iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute) and creates(ctx.methods, route.status_code):
            found[operation_id(route)] = str(ctx.path)
    return found


@dataclass
class World:
    team: Team
    admin: dict[str, str]
    other_patient: uuid.UUID  # discharged
    pending_user: uuid.UUID  # invited, no password yet
    session_id: str
    document_id: str

    def headers(self, role: str) -> dict[str, str]:
        return {"patient": self.team.ph, "therapist": self.team.th, "admin": self.admin}[role]


# operationId -> who calls it, and (path, body) of a first request and of another one.
Request = tuple[str, Any]
Case = tuple[str, Callable[[World], Request], Callable[[World], Request]]


def _pid(w: World) -> uuid.UUID:
    return w.team.patient.id


def _at(w: World, hours: float) -> str:
    return iso(w.team.clock.now + timedelta(hours=hours))


CASES: dict[str, Case] = {
    "createUser": (
        "admin",
        lambda w: (
            "/v1/users",
            {"email": "sam@clinic.example.org", "role": "patient", "display_name": "Sam"},
        ),
        lambda w: (
            "/v1/users",
            {"email": "kim@clinic.example.org", "role": "patient", "display_name": "Kim"},
        ),
    ),
    "reissueInvitation": (
        "admin",
        lambda w: (f"/v1/users/{w.pending_user}/invitation", None),
        lambda w: (f"/v1/users/{w.pending_user}/invitation?again=1", None),
    ),
    "createSession": (
        "therapist",
        lambda w: (
            f"/v1/patients/{_pid(w)}/sessions",
            {"administered_at": _at(w, -3), "route": "im"},
        ),
        lambda w: (
            f"/v1/patients/{_pid(w)}/sessions",
            {"administered_at": _at(w, -5), "route": "im"},
        ),
    ),
    "createEntry": (
        "patient",
        lambda w: ("/v1/entries", {"body": "The light.", "written_at": _at(w, -1)}),
        lambda w: ("/v1/entries", {"body": "The dark.", "written_at": _at(w, -1)}),
    ),
    "createIntegrationSession": (
        "therapist",
        lambda w: (
            f"/v1/patients/{_pid(w)}/integration-sessions",
            {"session_id": w.session_id, "scheduled_at": _at(w, 20)},
        ),
        lambda w: (
            f"/v1/patients/{_pid(w)}/integration-sessions",
            {"session_id": w.session_id, "scheduled_at": _at(w, 22)},
        ),
    ),
    "assignPrompt": (
        "therapist",
        lambda w: (
            f"/v1/patients/{_pid(w)}/prompts",
            {"title": "A place", "text": "Where?", "technique": "guided_imagery"},
        ),
        lambda w: (
            f"/v1/patients/{_pid(w)}/prompts",
            {"title": "A sound", "text": "What?", "technique": "guided_imagery"},
        ),
    ),
    "registerDevice": (
        "patient",
        lambda w: ("/v1/me/devices", {"platform": "ios", "token": "a1" * 32}),
        lambda w: ("/v1/me/devices", {"platform": "ios", "token": "b2" * 32}),
    ),
    "startTotpEnrolment": (
        "therapist",
        lambda w: ("/v1/me/mfa/totp", None),
        lambda w: ("/v1/me/mfa/totp?again=1", None),
    ),
    "createQuestionnaireResponse": (
        "patient",
        lambda w: (
            "/v1/questionnaire-responses",
            {"code": "gad7", "answers": gad7(0, 0, 0, 0, 0, 0, 0), "answered_at": _at(w, 0)},
        ),
        lambda w: (
            "/v1/questionnaire-responses",
            {"code": "gad7", "answers": gad7(1, 0, 0, 0, 0, 0, 0), "answered_at": _at(w, 0)},
        ),
    ),
    "createQuestionnaireAssignment": (
        "therapist",
        lambda w: (f"/v1/patients/{_pid(w)}/questionnaire-assignments", {"code": "gad7"}),
        lambda w: (f"/v1/patients/{_pid(w)}/questionnaire-assignments", {"code": "phq9"}),
    ),
    "publishConsentDocument": (
        "admin",
        lambda w: ("/v1/consent-documents", {"kind": "research", "texts": {"en": "Yes."}}),
        lambda w: ("/v1/consent-documents", {"kind": "research", "texts": {"en": "No."}}),
    ),
    "decideConsent": (
        "patient",
        lambda w: ("/v1/me/consents", {"document_id": w.document_id, "decision": "accepted"}),
        lambda w: ("/v1/me/consents", {"document_id": w.document_id, "decision": "declined"}),
    ),
    "readmitPatient": (
        "therapist",
        lambda w: (f"/v1/patients/{w.other_patient}/readmission", None),
        lambda w: (f"/v1/patients/{w.other_patient}/readmission?again=1", None),
    ),
    "placeLegalHold": (
        "admin",
        lambda w: (f"/v1/patients/{_pid(w)}/legal-hold", {"reason": "Case 2026-114"}),
        lambda w: (f"/v1/patients/{_pid(w)}/legal-hold", {"reason": "Case 2026-115"}),
    ),
}


@pytest.fixture
def world(team: Team, db: Session, login, app: FastAPI) -> World:  # type: ignore[no-untyped-def]
    admin = login(make_admin(db))
    other = make_patient(db)
    db.add(CareTeamMember(patient_id=other.id, therapist_id=team.therapist.id, created_at=NOW))
    db.flush()
    c = team.client
    r = c.post(f"/v1/patients/{other.id}/discharge", json={"reason": "Done"}, headers=team.th)
    assert r.status_code == 200, r.text
    invited = c.post(
        "/v1/users",
        json={"email": "new@clinic.example.org", "role": "patient", "display_name": "New"},
        headers=admin,
    )
    assert invited.status_code == 201, invited.text
    doc = c.post(
        "/v1/consent-documents",
        json={"kind": "care_team_sharing", "texts": {"en": "I agree."}},
        headers=admin,
    )
    assert doc.status_code == 201, doc.text
    session_id = team.session(team.clock.now - timedelta(hours=2))
    return World(team, admin, other.id, invited.json()["id"], session_id, doc.json()["id"])


def test_every_creating_post_declares_the_key_and_the_replay(app: FastAPI) -> None:
    paths = spec()["paths"]
    missing = []
    for name, path in _creating_routes(app).items():
        op = paths[path]["post"]
        params = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
        replayed = op["responses"]["201"].get("headers", {})
        if "Idempotency-Key" not in params or "Idempotent-Replayed" not in replayed:
            missing.append(name)
        if "409" not in op["responses"]:
            missing.append(f"{name} (409)")
    assert missing == []


def test_every_creating_post_has_a_case_here(app: FastAPI) -> None:
    assert sorted(_creating_routes(app)) == sorted(CASES)


def _post(w: World, role: str, request: Request, key: str | None) -> httpx.Response:
    path, body = request
    headers = w.headers(role) | ({"Idempotency-Key": key} if key else {})
    return w.team.client.post(path, json=body, headers=headers)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_retry_replays_and_another_request_conflicts(world: World, name: str) -> None:
    role, first, other = CASES[name]
    done = _post(world, role, first(world), "k-1")
    assert done.status_code in (200, 201), done.text
    again = _post(world, role, first(world), "k-1")
    assert (again.status_code, again.json()) == (done.status_code, done.json())
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in done.headers
    for kept in ("Location", "ETag", "Content-Type"):
        assert again.headers.get(kept) == done.headers.get(kept)
    clash = _post(world, role, other(world), "k-1")
    assert clash.status_code == 409, clash.text
    assert clash.json()["code"] == "idempotency_conflict"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["patient", "therapist"]),
            st.sampled_from(["a", "b"]),
            st.sampled_from([-3, -30, -60]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_keys_replay_or_conflict_per_caller(
    client: TestClient, db: Session, login, clock: Clock, steps: list[tuple[str, str, int]]
) -> None:  # type: ignore[no-untyped-def]
    """Any sequence of two callers' creates under shared keys: a caller's key answers its
    first success again for the same request, 409 for another; the other caller's
    use of the same key is their own."""
    patient = make_patient(db)
    therapist = make_therapist(db, patients=(patient,))
    headers = {"patient": login(patient), "therapist": login(therapist)}
    path = f"/v1/patients/{patient.id}/sessions"
    kept: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for role, key, hours in steps:
        body = {"administered_at": iso(clock.now + timedelta(hours=hours)), "route": "im"}
        r = client.post(path, json=body, headers=headers[role] | {"Idempotency-Key": key})
        first = kept.get((role, key))
        if first is None:
            assert "Idempotent-Replayed" not in r.headers
            if r.is_success:
                kept[(role, key)] = (hours, r.json())
        elif first[0] == hours:
            assert r.headers.get("Idempotent-Replayed") == "true"
            assert r.json() == first[1]
        else:
            assert (r.status_code, r.json()["code"]) == (409, "idempotency_conflict")
