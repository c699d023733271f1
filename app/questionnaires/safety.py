"""A response that suggests risk raises a flag through the one safety path."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.accounts.service import care_team_of
from app.notifications.outbox import enqueue
from app.notifications.quiet_hours import outside_quiet_hours
from app.questionnaires.instruments import get_instrument
from app.questionnaires.models import QuestionnaireResponse
from app.questionnaires.schemas import ResponseSafety
from app.safety.messages import flag_message
from app.safety.models import SafetyFlag
from app.safety.schemas import CrisisResource, FlagLevel
from app.safety.screen import screen_text
from app.safety.service import TEAM_AND_ON_CALL, Escalation, raise_flag, team_told


def _rules(response: QuestionnaireResponse) -> list[tuple[str, FlagLevel]]:
    """(rule, level) of the first of the instrument's safety rules (in its data, the
    strongest first) the answers meet: an item at or above a value, or the result's
    severity. One answer raises one flag."""
    for r in get_instrument(response.code).safety_rules:
        value = response.answers.get(r.item) if r.item else None
        if (isinstance(value, int) and value >= r.at_least) or (
            r.severity is not None and response.severity == r.severity
        ):
            return [(r.rule, "urgent" if r.level == "urgent" else "review")]
    return []


def screen_response(
    db: Session,
    *,
    response: QuestionnaireResponse,
    note: str | None,
    resources: list[CrisisResource],
    now: datetime,
    replay: bool,
    locale: str = "en",
    escalation: Escalation | None = None,
) -> ResponseSafety | None:
    """Raise the flags the answers call for (a replay answers with the first ones)."""
    if replay:
        flags = list(
            db.exec(
                select(SafetyFlag)
                .where(SafetyFlag.response_id == response.id)
                .order_by(col(SafetyFlag.raised_at))
            ).all()
        )
    else:
        # The instrument's own rules, then the screen of the free-text note.
        raised = [("questionnaire", rule, level) for rule, level in _rules(response)]
        hit = screen_text(note) if note else None
        if hit is not None:
            raised.append((hit.category, hit.rule, hit.level))
        flags = [
            raise_flag(
                db,
                patient_id=response.patient_id,
                category=category,
                rule=rule,
                now=now,
                response_id=response.id,
                source="questionnaire",
                level=level,
                escalation=escalation,
            )
            for category, rule, level in raised
        ]
        if response.code == "after_effects" and response.severity == "severe":
            notify_severe_after_effects(db, response=response, now=now)
    if not flags:
        return None
    # The strongest flag speaks: its level and who it told (an urgent one also
    # told the on-call staff).
    lead = max(flags, key=lambda f: f.level == "urgent")
    top: FlagLevel = "urgent" if lead.level == "urgent" else "review"
    return ResponseSafety(
        flag_ids=[f.id for f in flags],
        level=top,
        urgent=top == "urgent",
        message=flag_message(lead.alerted, "answers", locale, level=top),
        care_team_alerted=team_told(lead.alerted),
        on_call_alerted=lead.alerted in ("on_call", TEAM_AND_ON_CALL),
        crisis_resources=resources,
    )


def notify_severe_after_effects(
    db: Session, *, response: QuestionnaireResponse, now: datetime
) -> None:
    """Tell the care team, not urgently: it waits for the therapist's quiet hours to end."""
    for therapist_id in care_team_of(db, response.patient_id):
        therapist = db.get(User, therapist_id)
        zone = therapist.timezone if therapist else "UTC"
        enqueue(
            db,
            user_id=therapist_id,
            kind="after_effects_severe",
            dedupe_key=f"after_effects_severe:{response.id}:{therapist_id}",
            due_at=outside_quiet_hours(now, zone),
            title="kap-journal",
            body="A patient reported strong after-effects.",
            data={
                "urgent": False,
                "response_id": str(response.id),
                "patient_id": str(response.patient_id),
            },
            now=now,
        )


def flagged_response_ids(db: Session, response_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not response_ids:
        return set()
    rows = db.exec(
        select(SafetyFlag.response_id).where(col(SafetyFlag.response_id).in_(response_ids))
    ).all()
    return {r for r in rows if r is not None}
