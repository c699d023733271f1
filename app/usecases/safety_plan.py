"""The safety plan, written by the patient or with them by the care team; every
care-team read and change is audited (a patient's own is not)."""

import uuid
from typing import Any

from app.safety import plan
from app.safety.models import SafetyPlan
from app.safety.schemas import SafetyPlanUpdate
from app.usecases.act import Act


def save_plan(
    act: Act, *, patient_id: uuid.UUID, new: SafetyPlanUpdate, if_match: str | None
) -> SafetyPlan:
    stored = plan.save_plan(
        act.db,
        patient_id=patient_id,
        new=new,
        if_match=if_match,
        author_id=act.actor_id,
        author_role=act.audit.actor_role,
        keyring=act.keyring,
        now=act.now,
    )
    act.audit.record("safety_plan.update", patient_id, "safety_plan", str(stored.version))
    return stored


def read_plan(act: Act, *, patient_id: uuid.UUID) -> SafetyPlan:
    stored = plan.get_plan(act.db, patient_id)
    act.audit.record("safety_plan.read", patient_id, "safety_plan")
    return stored


def read_history(
    act: Act, *, patient_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[Any], str | None]:
    items, next_cursor = plan.history(act.db, patient_id=patient_id, limit=limit, cursor=cursor)
    act.audit.record("safety_plan.history", patient_id, "safety_plan")
    return items, next_cursor
