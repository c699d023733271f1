"""Questionnaires: answering one, assigning one, changing and reading a patient's schedule
and scores; each care-team read or change audited here."""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.accounts.models import User
from app.care_episodes.errors import PatientDischarged
from app.care_episodes.service import discharged_at
from app.consent.service import sharing_document_missing
from app.core.context import AppContext
from app.questionnaires import due as due_service
from app.questionnaires import misses, reading
from app.questionnaires.bodies import QuestionnaireResponseCreate
from app.questionnaires.deps import MeasureRules
from app.questionnaires.due import plans_for, tracked
from app.questionnaires.errors import PatientGone
from app.questionnaires.models import QuestionnaireAssignment
from app.questionnaires.reading import response_view, sessions_of
from app.questionnaires.reminders import plan_reminders
from app.questionnaires.respond import NewResponse, record_response
from app.questionnaires.safety import screen_response
from app.questionnaires.schemas import (
    NotScheduledPublic,
    OccurrencePublic,
    PlanPublic,
    QuestionnaireAssignmentCreate,
    SchedulePublic,
)
from app.safety.plan import plan_of
from app.safety.service import Escalation, resources_for
from app.usecases.act import Act

# The safety net never waits for consent: these answers always reach the care team.
SAFETY_NET = ("daily_check_in", "cssrs_screener")


def _locale_of(db: Session, patient_id: uuid.UUID) -> str:
    patient = db.get(User, patient_id)
    return (patient.locale if patient is not None else None) or "en"


def answer_questionnaire(
    db: Session,
    *,
    patient_id: uuid.UUID,
    body: QuestionnaireResponseCreate,
    idempotency_key: str | None,
    ctx: AppContext,
    measure: MeasureRules,
    now: datetime,
) -> tuple[dict[str, Any], bool]:
    """Store and score the answer, raise the flags it calls for, move the reminders."""
    # Like an entry: the care team sees it only with sharing consented, in treatment.
    shared = body.code in SAFETY_NET or (
        sharing_document_missing(db, patient_id, now) is None
        and discharged_at(db, patient_id) is None
    )
    recorded = record_response(
        db,
        shared=shared,
        patient_id=patient_id,
        new=NewResponse(body.id, body.code, dict(body.answers), body.answered_at, body.note),
        idempotency_key=idempotency_key,
        keyring=ctx.keyring,
        rules=measure,
        now=now,
    )
    locale = _locale_of(db, patient_id)
    safety = screen_response(
        db,
        response=recorded.response,
        note=recorded.note,
        resources=resources_for(ctx.settings.crisis_resources, locale),
        now=now,
        replay=recorded.replayed,
        locale=locale,
        escalation=Escalation.from_settings(ctx.settings),
    )
    if safety is not None:
        # The patient's own plan, shown with the flag as an entry's flag shows it.
        safety.safety_plan = plan_of(db, ctx.keyring, patient_id)
    if not recorded.replayed:
        # Answered occurrences lose their reminder; a new flag may call for a C-SSRS.
        plan_reminders(db, patient_id=patient_id, rules=measure, now=now)
    view = response_view(
        recorded.response,
        sessions_of(db, patient_id),
        keyring=ctx.keyring,
        rules=measure.window,
        owner=True,
        flagged=safety is not None,
    )
    if safety is not None:
        view["safety"] = safety.model_dump(mode="json")
    return view, recorded.replayed


def schedule_view(
    db: Session, *, patient_id: uuid.UUID, measure: MeasureRules, now: datetime
) -> SchedulePublic:
    patient = db.get(User, patient_id)
    if patient is None:
        raise PatientGone()
    plans = plans_for(db, patient_id, measure)
    occurrences = [
        OccurrencePublic(
            key=t.occurrence.key,
            code=t.occurrence.code,
            reason=t.occurrence.reason,
            due_at=t.occurrence.due_at,
            expires_at=t.occurrence.expires_at,
            status=t.status,
        )
        for t in tracked(db, patient, measure, now)
    ]
    # Misses written down that the schedule no longer derives (older, or since changed).
    shown = {o.key for o in occurrences}
    occurrences += [
        OccurrencePublic(
            key=m.occurrence_key,
            code=m.code,
            reason=m.reason,
            due_at=m.due_at,
            expires_at=m.expires_at,
            status="missed",
        )
        for m in misses.recorded(db, patient_id)
        if m.occurrence_key not in shown
    ]
    occurrences.sort(key=lambda o: (o.due_at, o.key))
    return SchedulePublic(
        patient_id=patient_id,
        plans={c: PlanPublic.model_validate(p.as_dict()) for c, p in plans.items()},
        occurrences=occurrences,
        not_scheduled=[
            NotScheduledPublic(
                code=c, locale=patient.locale or "en", reason="no_verified_translation"
            )
            for c in due_service.not_scheduled(db, patient_id, measure)
        ],
    )


def assign_questionnaire(
    act: Act, *, patient_id: uuid.UUID, asked: QuestionnaireAssignmentCreate
) -> QuestionnaireAssignment:
    """Ask the patient to answer one instrument once; the reminder is planned with it."""
    if discharged_at(act.db, patient_id) is not None:
        raise PatientDischarged("Treatment has ended: nothing is asked of the patient.")
    rules = act.measure_rules
    row = due_service.assign(
        act.db, patient_id=patient_id, by=act.actor_id, asked=asked, rules=rules, now=act.now
    )
    act.audit.record("questionnaire.assign", patient_id, "questionnaire_assignment", row.id)
    plan_reminders(act.db, patient_id=patient_id, rules=act.measure_rules, now=act.now)
    return row


def update_schedule(
    act: Act, *, patient_id: uuid.UUID, changes: dict[str, dict[str, Any]]
) -> SchedulePublic:
    due_service.set_schedule(
        act.db, patient_id=patient_id, changes=changes, updated_by=act.actor_id, now=act.now
    )
    act.audit.record("questionnaire_schedule.update", patient_id, "schedule")
    plan_reminders(act.db, patient_id=patient_id, rules=act.measure_rules, now=act.now)
    return schedule_view(act.db, patient_id=patient_id, measure=act.measure_rules, now=act.now)


def read_schedule(act: Act, *, patient_id: uuid.UUID) -> SchedulePublic:
    act.audit.record("questionnaire_schedule.read", patient_id, "schedule")
    return schedule_view(act.db, patient_id=patient_id, measure=act.measure_rules, now=act.now)


def read_scores(act: Act, *, patient_id: uuid.UUID, code: str) -> dict[str, Any]:
    act.audit.record("questionnaire_scores.read", patient_id, "scores")
    return reading.score_series(
        act.db,
        patient_id=patient_id,
        code=code,
        rules=act.measure_rules.window,
        # The patient sees all their own answers; the care team none given out of treatment.
        hidden=act.actor_id != patient_id,
    )


def list_patient_responses(
    act: Act, *, patient_id: uuid.UUID, code: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    rows, nxt = reading.page_responses(
        act.db, patient_id=patient_id, code=code, limit=limit, cursor=cursor, care_team=True
    )
    act.audit.record("questionnaire_response.list", patient_id, "questionnaire_response")
    rules = act.measure_rules.window
    return reading.views(act.db, rows, keyring=act.keyring, rules=rules, owner=False), nxt
