"""What the therapist's queue and integration-prep summary show of questionnaires.

Plain functions over the patient's data, for app/therapist and the web clinic.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.questionnaires.deps import MeasureRules
from app.questionnaires.due import tracked_many
from app.questionnaires.instruments import charted_codes
from app.questionnaires.models import QuestionnaireResponse
from app.questionnaires.reading import (
    for_care_team,
    latest_severity,
    out_of_care_clause,
    responses_between,
)
from app.safety.models import SafetyFlag
from app.sessions.window import Window


def queue_fields(
    db: Session, patient_ids: list[uuid.UUID], rules: MeasureRules, now: datetime
) -> dict[uuid.UUID, dict[str, Any]]:
    """Per patient: the latest PHQ-9 band, and whether any questionnaire is overdue
    (missed), derived from scratch. The queue reads the kept rows instead
    (app/questionnaires/kept.py); this is what they must always equal."""
    latest = latest_severity(db, patient_ids, "phq9")
    users = list(db.exec(select(User).where(col(User.id).in_(patient_ids))).all())
    statuses = tracked_many(db, users, rules, now)
    out: dict[uuid.UUID, dict[str, Any]] = {}
    for pid in patient_ids:
        r = latest.get(pid)
        missed = [t.occurrence.code for t in statuses.get(pid, []) if t.status == "missed"]
        out[pid] = {
            "latest_phq9": (
                {"score": r.score, "severity": r.severity, "answered_at": r.answered_at}
                if r is not None
                else None
            ),
            "questionnaires_overdue": bool(missed),
            "overdue_codes": sorted(set(missed)),
        }
    return out


def _scores(rows: list[QuestionnaireResponse]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    charted = charted_codes()
    for r in rows:
        if r.code in charted:
            out.setdefault(r.code, []).append(
                {"answered_at": r.answered_at, "score": r.score, "severity": r.severity}
            )
    return out


def _baseline(
    db: Session,
    patient_id: uuid.UUID,
    first_session_at: datetime,
    hidden: ColumnElement[bool] | None,
) -> dict[str, dict[str, Any] | None]:
    """Each charted instrument's first answer on or before the first session."""
    charted = charted_codes()
    stmt = select(QuestionnaireResponse).where(
        QuestionnaireResponse.patient_id == patient_id,
        col(QuestionnaireResponse.code).in_(charted),
        col(QuestionnaireResponse.answered_at) <= first_session_at,
    )
    stmt = for_care_team(db, stmt, [patient_id], hidden)
    rows = db.exec(stmt.order_by(col(QuestionnaireResponse.answered_at))).all()
    out: dict[str, dict[str, Any] | None] = dict.fromkeys(charted)
    for r in rows:
        if out[r.code] is None:
            out[r.code] = {"answered_at": r.answered_at, "score": r.score, "severity": r.severity}
    return out


def summary_fields(
    db: Session,
    *,
    patient_id: uuid.UUID,
    window: Window,
    previous: Window | None,
    first_session_at: datetime,
) -> dict[str, Any]:
    """The window's scores beside the previous window's and the baseline; after-effects."""
    # One read for both windows: the summary costs the same statements either way.
    # Answers out of treatment stay the patient's; the clause is read once for both.
    hidden = out_of_care_clause(db, [patient_id])
    span = responses_between(
        db,
        patient_id,
        previous.opens_at if previous else window.opens_at,
        window.closes_at,
        hidden,
    )
    rows = [r for r in span if window.contains(r.answered_at)]
    before = [r for r in span if previous is not None and previous.contains(r.answered_at)]
    return {
        "questionnaire_scores": {
            "window": _scores(rows),
            "previous_window": _scores(before),
            "baseline": _baseline(db, patient_id, first_session_at, hidden),
        },
        "after_effects": [
            {
                "id": r.id,
                "answered_at": r.answered_at,
                "severity": r.severity,
                "ratings": dict(r.answers),
                "has_note": r.note_ciphertext is not None,
            }
            for r in rows
            if r.code == "after_effects"
        ],
        # Flags raised by answers in this window (entry flags are listed above).
        "questionnaire_flags": questionnaire_flags(db, [r.id for r in rows]),
    }


def questionnaire_flags(db: Session, response_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    if not response_ids:
        return []
    flags = db.exec(
        select(SafetyFlag)
        .where(col(SafetyFlag.response_id).in_(response_ids))
        .order_by(col(SafetyFlag.raised_at))
    ).all()
    return [
        {
            "id": f.id,
            "response_id": f.response_id,
            "rule": f.rule,
            "is_urgent": f.level == "urgent",
            "level": f.level,
            "raised_at": f.raised_at,
            "acknowledged_at": f.acknowledged_at,
            "outcome": f.outcome,
        }
        for f in flags
    ]
