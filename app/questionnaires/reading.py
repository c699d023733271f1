"""Responses as the API shows them, with their window; histories, score series, sync.

The window of a response is derived from the sessions at read time (like an
entry's attachment, it never goes stale when a session is recorded late or moved).
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from app.care_episodes.queries import out_of_care
from app.core.crypto import KeyRing
from app.core.pagination import cut_page, keyset
from app.questionnaires import scoring
from app.questionnaires.instruments import charted_codes
from app.questionnaires.models import QuestionnaireResponse
from app.questionnaires.respond import decrypt_note, public_id
from app.questionnaires.safety import flagged_response_ids
from app.sessions.models import KetamineSession
from app.sessions.window import WindowRules, attach, phase_of

Sessions = list[tuple[datetime, uuid.UUID]]
Rows = SelectOfScalar[QuestionnaireResponse]


def out_of_care_clause(db: Session, patient_ids: Sequence[uuid.UUID]) -> ColumnElement[bool] | None:
    """Answers given (or received) while the patient was out of treatment: the
    patient's own, like an entry written after discharge."""
    parts = []
    for pid, gaps in out_of_care(db, patient_ids).items():
        for lo, hi in gaps:
            for at in (
                col(QuestionnaireResponse.answered_at),
                col(QuestionnaireResponse.created_at),
            ):
                parts.append(
                    and_(
                        col(QuestionnaireResponse.patient_id) == pid,
                        at >= lo,
                        *([at < hi] if hi is not None else []),
                    )
                )
    return or_(*parts) if parts else None


def care_team_conditions(
    db: Session,
    patient_ids: Sequence[uuid.UUID],
    hidden: ColumnElement[bool] | bool | None = True,
) -> list[ColumnElement[bool]]:
    """What the care team may see: answers shared with it (consent), and none given
    out of treatment. `hidden` is the out-of-treatment clause when the caller has it
    already (True: read it here; False: the patient's own read, all of it)."""
    if hidden is False:
        return []
    if hidden is True:
        hidden = out_of_care_clause(db, patient_ids)
    shared = col(QuestionnaireResponse.shared_with_care_team).is_(True)
    return [shared] if hidden is None else [shared, not_(hidden)]


def for_care_team(
    db: Session,
    stmt: Rows,
    patient_ids: Sequence[uuid.UUID],
    hidden: ColumnElement[bool] | bool | None = True,
) -> Rows:
    return stmt.where(*care_team_conditions(db, patient_ids, hidden))


def sessions_of(db: Session, patient_id: uuid.UUID) -> Sessions:
    rows = db.exec(
        select(KetamineSession.administered_at, KetamineSession.id)
        .where(KetamineSession.patient_id == patient_id)
        .order_by(col(KetamineSession.administered_at))
    ).all()
    return [(t, i) for t, i in rows]


def window_of(
    sessions: Sessions, at: datetime, rules: WindowRules
) -> tuple[uuid.UUID | None, str | None]:
    sid = attach(sessions, at, rules)
    if sid is None:
        return None, None
    administered = next(t for t, i in sessions if i == sid)
    return sid, phase_of(administered, at, rules).value


def response_view(
    r: QuestionnaireResponse,
    sessions: Sessions,
    *,
    keyring: KeyRing,
    rules: WindowRules,
    owner: bool,
    flagged: bool = False,
) -> dict[str, Any]:
    """`owner`: the patient sees the id their phone chose, anyone else the row's."""
    session_id, phase = window_of(sessions, r.answered_at, rules)
    return {
        "id": public_id(r) if owner else r.id,
        "patient_id": r.patient_id,
        "code": r.code,
        "instrument_version": r.instrument_version,
        "answers": dict(r.answers),
        "note": decrypt_note(keyring, r),
        "score": r.score,
        "severity": r.severity,
        "answered_at": r.answered_at,
        "client_answered_at": r.client_answered_at,
        "answered_at_adjusted": r.answered_at_adjusted,
        "session_id": session_id,
        "phase": phase,
        "reason": r.reason,
        "late": r.is_late,
        "flagged": flagged,
        "created_at": r.created_at,
        "safety": None,
    }


def views(
    db: Session,
    rows: Sequence[QuestionnaireResponse],
    *,
    keyring: KeyRing,
    rules: WindowRules,
    owner: bool,
) -> list[dict[str, Any]]:
    if not rows:
        return []
    sessions = sessions_of(db, rows[0].patient_id)
    flagged = flagged_response_ids(db, [r.id for r in rows])
    return [
        response_view(
            r, sessions, keyring=keyring, rules=rules, owner=owner, flagged=r.id in flagged
        )
        for r in rows
    ]


def page_responses(
    db: Session,
    *,
    patient_id: uuid.UUID,
    code: str | None,
    limit: int,
    cursor: str | None,
    care_team: bool = False,
) -> tuple[list[QuestionnaireResponse], str | None]:
    """The patient's responses, newest first, keyset-paged; `code` filters."""
    stmt = select(QuestionnaireResponse).where(QuestionnaireResponse.patient_id == patient_id)
    if care_team:
        stmt = for_care_team(db, stmt, [patient_id])
    if code is not None:
        stmt = stmt.where(QuestionnaireResponse.code == code)
    stmt = keyset(
        stmt,
        col(QuestionnaireResponse.answered_at),
        col(QuestionnaireResponse.id),
        cursor,
        descending=True,
    )
    rows = list(db.exec(stmt.limit(limit + 1)).all())
    return cut_page(rows, limit, lambda r: (r.answered_at, r.id))


def responses_between(
    db: Session,
    patient_id: uuid.UUID,
    lo: datetime,
    hi: datetime,
    hidden: ColumnElement[bool] | bool | None = True,
) -> list[QuestionnaireResponse]:
    """The answers the care team may see, answered in [lo, hi)."""
    stmt = select(QuestionnaireResponse).where(
        QuestionnaireResponse.patient_id == patient_id,
        col(QuestionnaireResponse.answered_at) >= lo,
        col(QuestionnaireResponse.answered_at) < hi,
    )
    stmt = for_care_team(db, stmt, [patient_id], hidden)
    return list(
        db.exec(
            stmt.order_by(col(QuestionnaireResponse.answered_at), col(QuestionnaireResponse.id))
        ).all()
    )


def all_responses(db: Session, patient_id: uuid.UUID) -> list[QuestionnaireResponse]:
    return list(
        db.exec(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id == patient_id)
            .order_by(col(QuestionnaireResponse.answered_at), col(QuestionnaireResponse.id))
        ).all()
    )


def questionnaire_changes(
    db: Session,
    *,
    patient_id: uuid.UUID,
    after: int,
    last: int,
    full: bool,
    limit: int,
    keyring: KeyRing,
    rules: WindowRules,
) -> tuple[list[dict[str, Any]], int, bool]:
    """Responses for a sync page: (views, next token, more to come).

    Responses share the entries' change numbers. When the entries filled their page
    up to `last`, only responses up to `last` come with it, so the next token skips
    nothing; otherwise up to `limit` responses, and the token moves past them.
    """
    stmt = select(QuestionnaireResponse).where(
        QuestionnaireResponse.patient_id == patient_id,
        col(QuestionnaireResponse.change_seq) > after,
    )
    stmt = stmt.where(col(QuestionnaireResponse.change_seq) <= last) if full else stmt.limit(limit)
    rows = list(db.exec(stmt.order_by(col(QuestionnaireResponse.change_seq))).all())
    more = not full and len(rows) == limit
    if more:
        # Stop at the last response sent: entries above it come again, harmlessly.
        last = rows[-1].change_seq
    elif rows and not full:
        last = max(last, rows[-1].change_seq)
    return views(db, rows, keyring=keyring, rules=rules, owner=True), last, more


def score_series(
    db: Session,
    *,
    patient_id: uuid.UUID,
    code: str,
    rules: WindowRules,
    hidden: ColumnElement[bool] | bool | None = True,
) -> dict[str, Any]:
    """One instrument's chart for a patient: points, baseline, latest, change, response, remission.

    Baseline is the first answer on or before the first session (or the first answer
    if there is no session yet); None when the first answer came after it.
    """
    stmt = select(QuestionnaireResponse).where(
        QuestionnaireResponse.patient_id == patient_id, QuestionnaireResponse.code == code
    )
    stmt = for_care_team(db, stmt, [patient_id], hidden)
    rows = db.exec(
        stmt.order_by(col(QuestionnaireResponse.answered_at), col(QuestionnaireResponse.id))
    ).all()
    sessions = sessions_of(db, patient_id)
    points: list[dict[str, Any]] = [
        {
            "answered_at": r.answered_at,
            "score": r.score,
            "severity": r.severity,
            "session_id": window_of(sessions, r.answered_at, rules)[0],
        }
        for r in rows
    ]
    first_session = sessions[0][0] if sessions else None
    baseline: dict[str, Any] | None = None
    if points and (first_session is None or points[0]["answered_at"] <= first_session):
        baseline = points[0]
    latest = points[-1] if points else None
    base_score = baseline["score"] if baseline else None
    latest_score = latest["score"] if latest and latest is not baseline else None
    return {
        "code": code,
        "points": points,
        "baseline": baseline,
        "latest": latest,
        "change_pct": scoring.change_pct(base_score, latest_score),
        "response": scoring.is_response(base_score, latest_score),
        "remission": scoring.is_remission(code, latest["score"] if latest else None),
    }


def latest_severity(
    db: Session, patient_ids: list[uuid.UUID], code: str
) -> dict[uuid.UUID, QuestionnaireResponse]:
    """Each patient's most recent response to `code` the care team may see, in two
    statements."""
    if not patient_ids:
        return {}
    newest = (
        select(
            QuestionnaireResponse.patient_id,
            func.max(QuestionnaireResponse.answered_at).label("at"),
        )
        .where(
            col(QuestionnaireResponse.patient_id).in_(patient_ids),
            QuestionnaireResponse.code == code,
            *care_team_conditions(db, patient_ids),
        )
        .group_by(col(QuestionnaireResponse.patient_id))
        .subquery()
    )
    rows = db.exec(
        select(QuestionnaireResponse)
        .join(
            newest,
            (col(QuestionnaireResponse.patient_id) == newest.c.patient_id)
            & (col(QuestionnaireResponse.answered_at) == newest.c.at),
        )
        .where(QuestionnaireResponse.code == code)
    ).all()
    return {r.patient_id: r for r in rows}


def score_charts(
    db: Session,
    *,
    patient_id: uuid.UUID,
    rules: WindowRules,
    always: Sequence[str] = ("phq9", "gad7"),
) -> dict[str, dict[str, Any]]:
    """A chart per charted instrument for one patient (the web clinic's patient page):
    `always` even when empty, the others once the patient has answered them."""
    out = {}
    hidden = out_of_care_clause(db, [patient_id])
    for code in charted_codes():
        series = score_series(db, patient_id=patient_id, code=code, rules=rules, hidden=hidden)
        if code in always or series["points"]:
            out[code] = series
    return out
