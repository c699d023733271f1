"""The safety plan: stored as one ciphertext, versioned, in the patient's sync feed."""

import uuid
from datetime import datetime
from typing import Any

import orjson
from sqlmodel import Session, col, select

from app.changes.sequence import claim_seqs
from app.core.crypto import KeyRing
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired
from app.core.pagination import decode_cursor, encode_cursor
from app.safety.models import SafetyPlan, SafetyPlanVersion
from app.safety.schemas import (
    SafetyPlanFields,
    SafetyPlanPublic,
    SafetyPlanUpdate,
    SafetyPlanVersionPublic,
)

FIELDS = tuple(SafetyPlanFields.model_fields)


class PlanNotFound(NotFound, code="safety_plan_not_found", title="No safety plan yet"): ...


class PlanIfMatchRequired(
    PreconditionRequired,
    code="precondition_required",
    title="If-Match is required to change an existing safety plan",
): ...


class PlanVersionMismatch(
    PreconditionFailed, code="precondition_failed", title="The safety plan has changed"
): ...


def _aad(patient_id: uuid.UUID) -> bytes:
    # Binds the ciphertext to its patient: a plan copied to another row fails to decrypt.
    return b"safety_plan:" + patient_id.bytes


def etag(plan: SafetyPlan) -> str:
    return f'"v{plan.version}"'


def _decrypt(keyring: KeyRing, plan: SafetyPlan) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(
        keyring.decrypt(plan.body_ciphertext, aad=_aad(plan.patient_id))
    )
    return data


def public(keyring: KeyRing, plan: SafetyPlan) -> SafetyPlanPublic:
    return SafetyPlanPublic.model_validate(
        _decrypt(keyring, plan)
        | {
            "patient_id": plan.patient_id,
            "version": plan.version,
            "created_at": plan.created_at,
            "updated_at": plan.updated_at,
            "updated_by_role": plan.updated_by_role,
        }
    )


def find_plan(db: Session, patient_id: uuid.UUID) -> SafetyPlan | None:
    return db.get(SafetyPlan, patient_id)


def get_plan(db: Session, patient_id: uuid.UUID) -> SafetyPlan:
    plan = find_plan(db, patient_id)
    if plan is None:
        raise PlanNotFound()
    return plan


def plan_of(db: Session, keyring: KeyRing, patient_id: uuid.UUID) -> SafetyPlanPublic | None:
    """The patient's plan as shown with a flag or by GET /v1/safety, if there is one."""
    plan = find_plan(db, patient_id)
    return public(keyring, plan) if plan is not None else None


def _check_if_match(plan: SafetyPlan | None, if_match: str | None) -> None:
    if plan is None:
        # The first PUT creates the plan; a version for a plan that does not exist is stale.
        if if_match is not None and if_match.strip() != "*":
            raise PlanVersionMismatch("There is no safety plan yet; send no If-Match.")
        return
    if if_match is None:
        raise PlanIfMatchRequired("Send If-Match with the plan's ETag.")
    # `*` ("any version") would let a stale editor overwrite what the other person
    # wrote; once a plan exists only its exact ETag will do.
    tags = {t.strip() for t in if_match.split(",")}
    if etag(plan) not in tags:
        raise PlanVersionMismatch(f"The safety plan is now at version {plan.version}.")


def save_plan(
    db: Session,
    *,
    patient_id: uuid.UUID,
    new: SafetyPlanUpdate,
    if_match: str | None,
    author_id: uuid.UUID,
    author_role: str,
    keyring: KeyRing,
    now: datetime,
) -> SafetyPlan:
    """Create or replace the plan and record who changed which sections.

    The patient's sync lock is taken first, so two writers queue and the second
    sees the first's version; the number it hands out puts the plan in the feed.
    """
    (seq,) = claim_seqs(db, patient_id, 1)
    plan = find_plan(db, patient_id)
    if plan is not None:
        db.refresh(plan)  # as of the lock
    _check_if_match(plan, if_match)
    values = new.model_dump(mode="json")
    if plan is None:
        changed = [f for f in FIELDS if values[f]]
        plan = SafetyPlan(
            patient_id=patient_id,
            version=1,
            body_ciphertext=b"",
            change_seq=seq,
            created_at=now,
            updated_at=now,
            updated_by=author_id,
            updated_by_role=author_role,
        )
    else:
        old = _decrypt(keyring, plan)
        changed = [f for f in FIELDS if old.get(f, []) != values[f]]
        if not changed:
            return plan  # nothing new: no version, no sync change
        plan.version += 1
        plan.change_seq, plan.updated_at = seq, now
        plan.updated_by, plan.updated_by_role = author_id, author_role
    plan.body_ciphertext = keyring.encrypt(orjson.dumps(values).decode(), aad=_aad(patient_id))
    db.add(plan)
    db.add(
        SafetyPlanVersion(
            patient_id=patient_id,
            version=plan.version,
            author_id=author_id,
            author_role=author_role,
            changed_fields=changed,
            changed_at=now,
        )
    )
    db.flush()
    return plan


def history(
    db: Session, *, patient_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[SafetyPlanVersionPublic], str | None]:
    """The plan's versions, newest first."""
    stmt = select(SafetyPlanVersion).where(SafetyPlanVersion.patient_id == patient_id)
    if cursor:
        (before,) = decode_cursor(cursor, int)
        stmt = stmt.where(col(SafetyPlanVersion.version) < before)
    rows = db.exec(stmt.order_by(col(SafetyPlanVersion.version).desc()).limit(limit + 1)).all()
    items = [SafetyPlanVersionPublic.model_validate(r, from_attributes=True) for r in rows[:limit]]
    more = len(rows) > limit
    return items, encode_cursor(items[-1].version) if more else None


def changed_since(
    db: Session, keyring: KeyRing, *, patient_id: uuid.UUID, since: int
) -> tuple[SafetyPlanPublic, int] | None:
    """The plan and its change number, if it changed after the sync token `since`."""
    plan = db.exec(
        select(SafetyPlan).where(
            SafetyPlan.patient_id == patient_id, col(SafetyPlan.change_seq) > since
        )
    ).first()
    return (public(keyring, plan), plan.change_seq) if plan is not None else None
