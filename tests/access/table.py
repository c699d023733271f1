"""The access matrix: one row per (method, path template) of the application.

Each status tuple lists, in this order, what these callers get:

    (patient, other_patient, therapist, other_therapist, admin, anon)

`own` is the answer on the patient's own objects (or on a route with no object);
`private` on the patient's private entry; `other` on another patient's objects
(and on "mixed" paths: my patient id with their object). When `other` is None,
another patient's object must answer byte for byte like a random id.

A new route needs a row here, or the matrix test fails.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tests.access.world import PASSWORD, World
from tests.entries.conftest import iso

Statuses = tuple[int, int, int, int, int, int]
Body = Callable[[dict[str, str], World], Any]

PUBLIC: Statuses = (200, 200, 200, 200, 200, 200)
SIGNED_IN: Statuses = (200, 200, 200, 200, 200, 401)
PATIENT_ONLY: Statuses = (200, 200, 403, 403, 403, 401)
ADMIN_ONLY: Statuses = (403, 403, 403, 403, 200, 401)
PATIENT_AND_TEAM: Statuses = (200, 404, 200, 404, 404, 401)
TEAM_ONLY: Statuses = (404, 404, 200, 404, 404, 401)
OWNER_WRITES: Statuses = (200, 404, 403, 403, 403, 401)


@dataclass(frozen=True)
class Row:
    own: Statuses
    private: Statuses | None = None
    other: Statuses | None = None
    body: Body | None = None
    form: Body | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Query parameters naming the object, e.g. {"patient_id": "{patient_id}"}.
    query: dict[str, str] = field(default_factory=dict)


def _soon(hours: float) -> Body:
    return lambda _ids, w: {"scheduled_at": iso(w.clock.now + timedelta(hours=hours))}


def _with(status: int, base: Statuses, who: int) -> Statuses:
    out = list(base)
    out[who] = status
    return tuple(out)  # type: ignore[return-value]


P, T, A = 0, 2, 4  # positions of the patient, their therapist and the admin
IF_MATCH = {"If-Match": '"v1"'}
SAFETY_PLAN = {"warning_signs": ["I stop sleeping"], "reasons_for_living": ["My daughter"]}

MATRIX: dict[tuple[str, str], Row] = {
    # ops
    ("GET", "/healthz"): Row(PUBLIC),
    ("GET", "/readyz"): Row(PUBLIC),
    ("GET", "/metrics"): Row(PUBLIC),
    # auth: the token routes take credentials, not the caller's token
    ("POST", "/v1/auth/token"): Row(
        PUBLIC, form=lambda _i, w: {"username": w.patient.user.email, "password": PASSWORD}
    ),
    ("POST", "/v1/auth/refresh"): Row(
        PUBLIC, body=lambda _i, w: {"refresh_token": w.refresh_token}
    ),
    ("POST", "/v1/auth/logout"): Row(
        (204, 204, 204, 204, 204, 401), body=lambda _i, w: {"refresh_token": w.refresh_token}
    ),
    # accounts
    ("GET", "/v1/me"): Row(SIGNED_IN),
    ("POST", "/v1/me/password"): Row(
        (204, 204, 204, 204, 204, 401),
        body=lambda _i, _w: {"current_password": PASSWORD, "new_password": "a-new-long-passphrase"},
    ),
    ("POST", "/v1/users"): Row(
        _with(201, ADMIN_ONLY, A),
        body=lambda _i, _w: {
            "email": f"new-{uuid.uuid4().hex[:8]}@clinic.example.org",
            "role": "patient",
            "display_name": "New",
            "timezone": "UTC",
        },
    ),
    ("GET", "/v1/users"): Row(ADMIN_ONLY),
    # invitations, second factor, sign-ins (an account with a password needs no invitation)
    ("POST", "/v1/users/{user_id}/invitation"): Row(
        _with(409, ADMIN_ONLY, A), other=_with(409, ADMIN_ONLY, A)
    ),
    ("POST", "/v1/auth/invitation"): Row(
        (404, 404, 404, 404, 404, 404),
        body=lambda _i, _w: {"token": "no-such-token", "password": "a-new-long-passphrase"},
    ),
    ("POST", "/v1/auth/mfa"): Row(
        (401, 401, 401, 401, 401, 401),
        body=lambda _i, _w: {"mfa_token": "not-a-token", "code": "123456"},
    ),
    ("POST", "/v1/me/mfa/totp"): Row((403, 403, 201, 201, 201, 401)),
    ("POST", "/v1/me/mfa/totp/confirm"): Row(
        (403, 403, 409, 409, 409, 401), body=lambda _i, _w: {"code": "123456"}
    ),
    ("DELETE", "/v1/me/mfa"): Row(
        (403, 403, 409, 409, 409, 401),
        body=lambda _i, _w: {"password": PASSWORD, "code": "123456"},
    ),
    ("GET", "/v1/me/sign-ins"): Row(SIGNED_IN),
    ("DELETE", "/v1/me/sign-ins/{sign_in_id}"): Row((204, 404, 404, 404, 404, 401)),
    ("GET", "/v1/me/sessions"): Row(SIGNED_IN),
    ("DELETE", "/v1/me/sessions/{auth_session_id}"): Row((204, 404, 404, 404, 404, 401)),
    ("PATCH", "/v1/users/{user_id}"): Row(
        ADMIN_ONLY, other=ADMIN_ONLY, body=lambda _i, _w: {"display_name": "Renamed"}
    ),
    ("PUT", "/v1/patients/{patient_id}/therapists/{therapist_id}"): Row(
        _with(204, ADMIN_ONLY, A), other=_with(204, ADMIN_ONLY, A)
    ),
    ("DELETE", "/v1/patients/{patient_id}/therapists/{therapist_id}"): Row(
        _with(204, ADMIN_ONLY, A), other=_with(204, ADMIN_ONLY, A)
    ),
    ("PATCH", "/v1/me"): Row(SIGNED_IN, body=lambda _i, _w: {"locale": "es"}),
    # sessions and windows
    ("POST", "/v1/patients/{patient_id}/sessions"): Row(
        (403, 404, 201, 404, 404, 401),  # self-reporting is off by default
        body=lambda _i, w: {
            "administered_at": iso(w.clock.now - timedelta(hours=200)),
            "route": "iv",
        },
    ),
    ("GET", "/v1/patients/{patient_id}/sessions"): Row(PATIENT_AND_TEAM),
    ("GET", "/v1/sessions"): Row(PATIENT_AND_TEAM, query={"patient_id": "{patient_id}"}),
    ("PATCH", "/v1/sessions/{session_id}"): Row(
        (403, 404, 200, 404, 404, 401), body=lambda _i, _w: {"route": "iv"}
    ),
    ("DELETE", "/v1/sessions/{session_id}"): Row((403, 404, 204, 404, 404, 401)),
    ("GET", "/v1/me/window"): Row(PATIENT_ONLY),
    # entries
    ("POST", "/v1/entries"): Row(
        _with(201, _with(201, PATIENT_ONLY, P), 1),
        body=lambda _i, w: {"body": "a new entry", "written_at": iso(w.clock.now)},
    ),
    ("GET", "/v1/entries"): Row(PATIENT_ONLY),
    ("GET", "/v1/entries/sync"): Row(PATIENT_ONLY),
    ("GET", "/v1/entries/{entry_id}"): Row(
        PATIENT_AND_TEAM, private=(200, 404, 404, 404, 404, 401)
    ),
    ("PATCH", "/v1/entries/{entry_id}"): Row(
        OWNER_WRITES, private=OWNER_WRITES, body=lambda _i, _w: {"mood": 3}, headers=IF_MATCH
    ),
    ("DELETE", "/v1/entries/{entry_id}"): Row(
        _with(204, OWNER_WRITES, P), private=_with(204, OWNER_WRITES, P), headers=IF_MATCH
    ),
    ("GET", "/v1/patients/{patient_id}/entries"): Row(TEAM_ONLY),
    # reviews
    ("PUT", "/v1/entries/{entry_id}/review"): Row(
        (403, 404, 200, 404, 404, 401),
        private=(403, 404, 404, 404, 404, 401),
        body=lambda _i, _w: {"discuss": True, "note": "bring up in session"},
    ),
    ("POST", "/v1/patients/{patient_id}/reviews"): Row(
        (403, 403, 200, 404, 403, 401),
        body=lambda i, _w: {"entry_ids": [i["entry_id"]]},
    ),
    # integration sessions
    ("POST", "/v1/patients/{patient_id}/integration-sessions"): Row(
        _with(201, TEAM_ONLY, T),
        body=lambda i, w: {"session_id": i["session_id"]} | _soon(30)(i, w),
    ),
    ("GET", "/v1/patients/{patient_id}/integration-sessions"): Row(PATIENT_AND_TEAM),
    ("GET", "/v1/patients/{patient_id}/integration-sessions/{item_id}"): Row(PATIENT_AND_TEAM),
    ("PATCH", "/v1/patients/{patient_id}/integration-sessions/{item_id}"): Row(
        TEAM_ONLY, body=_soon(40)
    ),
    ("DELETE", "/v1/patients/{patient_id}/integration-sessions/{item_id}"): Row(
        _with(204, TEAM_ONLY, T)
    ),
    # safety
    ("GET", "/v1/safety"): Row(SIGNED_IN),
    ("POST", "/v1/safety-flags/{flag_id}/acknowledge"): Row(
        (403, 403, 200, 404, 404, 401),  # the admin is not on call in this world
        body=lambda _i, _w: {"outcome": "contacted_patient", "note": "Called; safe."},
    ),
    ("GET", "/v1/safety-flags"): Row((403, 403, 200, 200, 403, 401)),
    ("GET", "/v1/me/safety-plan"): Row((200, 404, 403, 403, 403, 401)),  # Q has no plan
    ("PUT", "/v1/me/safety-plan"): Row(
        (200, 412, 403, 403, 403, 401), body=lambda _i, _w: SAFETY_PLAN, headers=IF_MATCH
    ),
    ("GET", "/v1/patients/{patient_id}/safety-plan"): Row(PATIENT_AND_TEAM),
    ("PUT", "/v1/patients/{patient_id}/safety-plan"): Row(
        PATIENT_AND_TEAM, body=lambda _i, _w: SAFETY_PLAN, headers=IF_MATCH
    ),
    ("GET", "/v1/patients/{patient_id}/safety-plan/history"): Row(PATIENT_AND_TEAM),
    # prompts
    ("GET", "/v1/prompts"): Row(SIGNED_IN),
    ("GET", "/v1/prompts/next"): Row(PATIENT_ONLY),
    ("GET", "/v1/prompts/{prompt_id}"): Row(PATIENT_AND_TEAM),  # a custom prompt
    ("POST", "/v1/patients/{patient_id}/prompts"): Row(
        _with(201, TEAM_ONLY, T),
        body=lambda _i, _w: {
            "title": "Try",
            "text": "One small step?",
            "technique": "values_action",
        },
    ),
    ("GET", "/v1/patients/{patient_id}/prompts"): Row(TEAM_ONLY),
    ("DELETE", "/v1/patients/{patient_id}/prompts/{assignment_id}"): Row(_with(204, TEAM_ONLY, T)),
    # therapist
    ("GET", "/v1/therapist/queue"): Row((403, 403, 200, 200, 403, 401)),
    ("GET", "/v1/patients/{patient_id}/sessions/{session_id}/summary"): Row(TEAM_ONLY),
    # export, devices and notifications
    ("GET", "/v1/me/export"): Row(PATIENT_ONLY),
    ("GET", "/v1/me/export/fhir"): Row(PATIENT_ONLY),
    ("POST", "/v1/me/devices"): Row(
        (201, 201, 201, 201, 201, 401),
        body=lambda _i, _w: {"platform": "android", "token": "fcm:" + uuid.uuid4().hex * 4},
    ),
    ("DELETE", "/v1/me/devices/{device_id}"): Row((204, 404, 404, 404, 404, 401)),
    ("GET", "/v1/me/notifications"): Row(SIGNED_IN),
    # audit
    ("GET", "/v1/me/access-log"): Row(PATIENT_ONLY),
    ("GET", "/v1/me/care-team"): Row(PATIENT_ONLY),
    ("GET", "/v1/audit"): Row(ADMIN_ONLY),
    # questionnaires (measurement-based care)
    ("GET", "/v1/questionnaires"): Row(SIGNED_IN),
    ("GET", "/v1/questionnaires/{code}"): Row(SIGNED_IN, other=SIGNED_IN),
    ("GET", "/v1/me/questionnaires/due"): Row(PATIENT_ONLY),
    ("POST", "/v1/questionnaire-responses"): Row(
        _with(201, _with(201, PATIENT_ONLY, P), 1),
        body=lambda _i, w: {
            "code": "gad7",
            "answers": {f"gad7_{n}": 1 for n in range(1, 8)},
            "answered_at": iso(w.clock.now),
        },
    ),
    ("GET", "/v1/me/questionnaire-responses"): Row(PATIENT_ONLY),
    ("GET", "/v1/patients/{patient_id}/questionnaire-responses"): Row(TEAM_ONLY),
    ("GET", "/v1/patients/{patient_id}/scores"): Row(PATIENT_AND_TEAM),
    ("POST", "/v1/patients/{patient_id}/questionnaire-assignments"): Row(
        _with(201, TEAM_ONLY, T), body=lambda _i, _w: {"code": "pcl5"}
    ),
    ("GET", "/v1/patients/{patient_id}/questionnaire-schedule"): Row(TEAM_ONLY),
    ("PUT", "/v1/patients/{patient_id}/questionnaire-schedule"): Row(
        TEAM_ONLY, body=lambda _i, _w: {"plans": {"pcl5": {"between_windows_days": 28}}}
    ),
    # consent
    ("POST", "/v1/consent-documents"): Row(
        _with(201, ADMIN_ONLY, A),
        body=lambda _i, _w: {"kind": "research", "texts": {"en": "May we use your answers?"}},
    ),
    ("GET", "/v1/consent-documents"): Row(SIGNED_IN),
    ("GET", "/v1/me/consents"): Row(PATIENT_ONLY),
    ("GET", "/v1/patients/{patient_id}/consents"): Row(TEAM_ONLY),
    ("POST", "/v1/me/consents"): Row(
        (404, 404, 403, 403, 403, 401),  # no such document in this world
        body=lambda _i, _w: {"document_id": str(uuid.uuid4()), "decision": "accepted"},
    ),
    # care episodes
    ("POST", "/v1/patients/{patient_id}/discharge"): Row(
        TEAM_ONLY, body=lambda _i, _w: {"reason": "Course completed"}
    ),
    ("POST", "/v1/patients/{patient_id}/readmission"): Row(_with(409, TEAM_ONLY, T)),
    ("GET", "/v1/patients/{patient_id}/episodes"): Row(PATIENT_AND_TEAM),
    # account closure and legal hold
    ("POST", "/v1/me/closure"): Row((202, 202, 403, 403, 403, 401)),
    ("POST", "/v1/patients/{patient_id}/legal-hold"): Row(
        _with(201, ADMIN_ONLY, A),
        other=_with(201, ADMIN_ONLY, A),
        body=lambda _i, _w: {"reason": "Case 114"},
    ),
    ("DELETE", "/v1/patients/{patient_id}/legal-hold"): Row(
        _with(404, ADMIN_ONLY, A), other=_with(404, ADMIN_ONLY, A)
    ),
}
