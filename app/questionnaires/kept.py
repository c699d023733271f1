"""The queue's questionnaire status per patient, read from its kept row.

A row holds from `computed_at` until `valid_until`, the next instant the status could
change with time alone (an occurrence falls due, expires, is cut short by a newer one,
or leaves the lookback; an answer, flag or assignment leaves what the schedule
reads). `app/questionnaires/stale.py` drops the row when a row it derives from
changes. The queue reads the rows and derives only the missing or expired ones.
"""

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, func, select

from app.accounts.models import User
from app.core.db import per_dialect
from app.questionnaires.deps import MeasureRules
from app.questionnaires.due import LOOKBACK, tracked_with_facts
from app.questionnaires.models import QuestionnaireResponse, QuestionnaireStatus
from app.questionnaires.reading import latest_severity

# A row is derived again at least this often, and occurrences due this far ahead are
# derived with it so their own changes are known.
HORIZON = timedelta(days=1)
# A boundary `at >= since` moves one step after the instant itself.
TICK = timedelta(microseconds=1)

_status = cast(Table, QuestionnaireStatus.__table__)  # type: ignore[attr-defined]
_COLUMNS = (
    "overdue_codes",
    "phq9_score",
    "phq9_severity",
    "phq9_answered_at",
    "computed_at",
    "valid_until",
    "rules_key",
)


def _upsert(insert: Any) -> Any:
    stmt = insert(_status).values(
        patient_id=bindparam("patient_id"),
        generation=bindparam("generation"),
        **{c: bindparam(c) for c in _COLUMNS},
    )
    # Stored only over the generation the read saw: a write that committed since
    # (or holds the row now) made what this read derived stale.
    return stmt.on_conflict_do_update(
        index_elements=[_status.c.patient_id],
        set_={c: getattr(stmt.excluded, c) for c in _COLUMNS},
        where=_status.c.generation == bindparam("seen", type_=Integer),
    )


_UPSERT = per_dialect(_upsert)


def rules_key(rules: MeasureRules) -> str:
    """Names the clinic's settings the row was derived with: other settings, other row."""
    return hashlib.sha256(repr(rules).encode()).hexdigest()


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    get = row.get
    return _view(
        get("overdue_codes"), get("phq9_score"), get("phq9_severity"), get("phq9_answered_at")
    )


def _view(
    codes: list[str] | None, score: int | None, severity: str | None, answered_at: datetime | None
) -> dict[str, Any]:
    phq9 = (
        None
        if answered_at is None
        else {"score": score, "severity": severity, "answered_at": answered_at}
    )
    overdue = list(codes or [])
    return {"latest_phq9": phq9, "questionnaires_overdue": bool(overdue), "overdue_codes": overdue}


# Built once, the patients bound as one expanding list: a hundred ids are one parameter.
_KEPT = core_select(
    _status.c.patient_id,
    _status.c.generation,
    _status.c.rules_key,
    _status.c.computed_at,
    _status.c.valid_until,
    _status.c.overdue_codes,
    _status.c.phq9_score,
    _status.c.phq9_severity,
    _status.c.phq9_answered_at,
).where(_status.c.patient_id.in_(bindparam("ids", expanding=True)))


def _oldest_answers(
    db: Session, ids: list[uuid.UUID], since: datetime
) -> dict[uuid.UUID, datetime]:
    rows = db.exec(
        select(QuestionnaireResponse.patient_id, func.min(QuestionnaireResponse.answered_at))
        .where(
            col(QuestionnaireResponse.patient_id).in_(ids),
            col(QuestionnaireResponse.occurrence_key).is_not(None),
            col(QuestionnaireResponse.answered_at) >= since,
        )
        .group_by(col(QuestionnaireResponse.patient_id))
    ).all()
    return dict(rows)


def derive(
    db: Session, patients: list[User], rules: MeasureRules, now: datetime
) -> list[dict[str, Any]]:
    """Each patient's status row, derived from their data as of `now`."""
    if not patients:
        return []
    ids = [p.id for p in patients]
    since = now - LOOKBACK
    tracked, facts = tracked_with_facts(db, patients, rules, now, horizon=HORIZON)
    latest = latest_severity(db, ids, "phq9")
    answers_since = since - rules.open_for
    oldest = _oldest_answers(db, ids, answers_since)
    key = rules_key(rules)
    rows = []
    for pid in ids:
        times = [now + HORIZON]
        for t in tracked[pid]:
            o = t.occurrence
            times += [o.due_at, o.expires_at, o.expires_at + LOOKBACK]
        # The schedule's reads look back this far; a row leaving them may move it.
        reach = LOOKBACK + rules.window.length + TICK
        times += [at + reach for at, _ in facts[pid].flags]
        times += [a.expires_at + reach for a in facts[pid].assignments]
        if pid in oldest:
            times.append(oldest[pid] + LOOKBACK + rules.open_for + TICK)
        r = latest.get(pid)
        missed = {t.occurrence.code for t in tracked[pid] if t.status == "missed"}
        rows.append(
            {
                "patient_id": pid,
                "overdue_codes": sorted(missed),
                "phq9_score": r.score if r else None,
                "phq9_severity": r.severity if r else None,
                "phq9_answered_at": r.answered_at if r else None,
                "computed_at": now,
                "valid_until": min(t for t in times if t > now),
                "rules_key": key,
            }
        )
    return rows


def store(db: Session, rows: list[dict[str, Any]], seen: dict[uuid.UUID, int]) -> None:
    """Keep derived rows, each only if its stored generation is still the one the read
    saw (`seen`; a patient missing from it had no row)."""
    if rows:
        connection = db.connection()
        # A new row starts at generation 0; `seen` None matches no stored row.
        stored = [r | {"generation": 0, "seen": seen.get(r["patient_id"])} for r in rows]
        connection.execute(_UPSERT[connection.dialect.name], stored)


def queue_status(
    db: Session, patient_ids: list[uuid.UUID], rules: MeasureRules, now: datetime
) -> dict[uuid.UUID, dict[str, Any]]:
    """Per patient: the latest PHQ-9 band and the overdue (missed) questionnaires, from
    the kept rows; the missing or expired ones derived and kept again."""
    if not patient_ids:
        return {}
    key = rules_key(rules)
    # Plain tuples, not ORM instances nor mappings: the queue reads a hundred at a time.
    kept = db.connection().execute(_KEPT, {"ids": patient_ids})
    out: dict[uuid.UUID, dict[str, Any]] = {}
    seen: dict[uuid.UUID, int] = {}
    for pid, generation, kept_key, computed_at, valid_until, *fields in kept:
        if kept_key == key and computed_at <= now < valid_until:
            out[pid] = _view(*fields)
        seen[pid] = generation
    stale = [pid for pid in patient_ids if pid not in out]
    if stale:
        users = list(db.exec(select(User).where(col(User.id).in_(stale))).all())
        rows = derive(db, users, rules, now)
        store(db, rows, seen)
        out |= {r["patient_id"]: _fields(r) for r in rows}
    # An id with no account left shows nothing, as when derived from scratch.
    none: dict[str, Any] = {
        "latest_phq9": None,
        "questionnaires_overdue": False,
        "overdue_codes": [],
    }
    return {pid: out.get(pid, none) for pid in patient_ids}
