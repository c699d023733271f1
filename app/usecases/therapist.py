"""The therapist's reads of several records at once: the queue and the integration-prep
summary, each audited per patient it shows."""

import uuid
from typing import Any

from app.accounts.models import Role
from app.accounts.service import patients_of
from app.questionnaires.kept import queue_status
from app.safety import flags
from app.safety.errors import NotOnCall
from app.safety.plan import plan_of
from app.safety.schemas import FlagLevel
from app.safety.service import open_flags_of
from app.sessions.queries import get_session
from app.therapist.caseload import caseload
from app.therapist.queue import QueueItem, build_queue, queue_view
from app.therapist.summary import build_summary
from app.usecases.act import Act


def read_queue(act: Act) -> list[dict[str, Any]]:
    items: list[QueueItem] = build_queue(
        act.db, therapist_id=act.actor_id, rules=act.rules, now=act.now
    )
    ids = [i.patient_id for i in items]
    act.audit.record_many("queue.read", patient_ids=ids, resource_type="queue")
    scores = queue_status(act.db, ids, act.measure_rules, act.now)
    return [queue_view(i, act.rules, act.now) | scores[i.patient_id] for i in items]


def read_summary(act: Act, *, patient_id: uuid.UUID, session_id: uuid.UUID) -> dict[str, Any]:
    session = get_session(act.db, session_id, patient_id=patient_id)
    act.audit.record("session.summary", patient_id, "session", session_id)
    return build_summary(
        act.db, session=session, keyring=act.keyring, rules=act.rules, viewer_id=act.actor_id
    )


def read_prep(act: Act, *, patient_id: uuid.UUID, session_id: uuid.UUID) -> dict[str, Any]:
    """The clinic's printable prep: the summary, each flag with its outcome, and the
    patient's current safety plan."""
    summary = read_summary(act, patient_id=patient_id, session_id=session_id)
    summary["safety_plan"] = plan_of(act.db, act.keyring, patient_id)
    act.audit.record("safety_plan.read", patient_id, "safety_plan")
    # Each flag with how it was closed, by whom: the summary is the record of the window.
    history = {h["id"]: h for h in read_flag_history(act, patient_id=patient_id)}
    for f in summary["safety_flags"] + summary["questionnaire_flags"]:
        h = history.get(f["id"], {})
        f |= {k: h.get(k) for k in ("level", "source", "category", "rule", "outcome", "note")}
        f["acknowledged_by_name"] = h.get("acknowledged_by_name")
    return summary


def read_flag_history(act: Act, *, patient_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every flag of the patient, newest first: level, when, why (category and rule,
    never text), and how it was closed, by whom and when."""
    rows = flags.history_of(act.db, patient_id)
    act.audit.record("safety_flag.list", patient_id, "safety_flag")
    return [
        {
            "id": f.id,
            "level": "urgent" if f.level == "urgent" else "review",
            "source": f.source,
            "category": f.category,
            "rule": f.rule,
            "entry_id": f.entry_id,
            "raised_at": f.raised_at,
            "acknowledged_at": f.acknowledged_at,
            "acknowledged_by_name": name,
            "outcome": f.outcome,
            "note": flags.note_of(f, act.keyring),
        }
        for f, name in rows
    ]


def list_flags(
    act: Act,
    *,
    acknowledged: bool,
    limit: int,
    cursor: str | None,
    level: FlagLevel | None = None,
) -> tuple[list[Any], str | None]:
    """Open (or closed) flags of the caller's patients, or every patient's for on-call;
    an admin reads them only when on call."""
    on_call = flags.is_on_call(act.db, act.actor_id, tuple(act.settings.safety_oncall_emails))
    if act.audit.actor_role == Role.admin and not on_call:
        raise NotOnCall()
    query = flags.FlagQuery(act.actor_id, on_call, acknowledged, level)
    rows, next_cursor = flags.list_flags(act.db, query, limit=limit, cursor=cursor)
    items = [
        flags.flag_public(f, is_shared=s, deleted_at=d, show_entry=mine, keyring=act.keyring)
        for f, s, d, mine in rows
    ]
    act.audit.record_many(
        "safety_flag.list",
        patient_ids=list(dict.fromkeys(i.patient_id for i in items)),
        resource_type="safety_flag",
    )
    return items, next_cursor


def read_caseload(act: Act, *, query: str, sort: str) -> list[dict[str, Any]]:
    """The whole caseload, names and counts only (never text): a therapist's care-team
    patients, or every patient for an admin. Searched by name or email, sorted."""
    ids = None if act.audit.actor_role == "admin" else set(patients_of(act.db, act.actor_id))
    rows = caseload(act.db, ids)
    q = query.strip().casefold()
    if q:
        rows = [r for r in rows if q in r["display_name"].casefold() or q in r["email"].casefold()]
    keys = {
        "name": lambda r: r["display_name"].casefold(),
        "flags": lambda r: (-r["open_flags"], r["display_name"].casefold()),
        "unreviewed": lambda r: (-r["unreviewed"], r["display_name"].casefold()),
    }
    rows.sort(key=keys.get(sort, keys["name"]))
    return rows


def open_flags_mark(act: Act, *, patient_id: uuid.UUID | None = None) -> str:
    """What a page polls to learn that its safety flags changed: how many are open and
    when the newest was raised, for one patient of the caller's or all of them. No
    record is read (no text, no patient detail), so nothing is audited."""
    ids = patients_of(act.db, act.actor_id)
    if patient_id is not None:
        ids = [patient_id] if patient_id in ids else []
    found = [f for rows in open_flags_of(act.db, ids, now=act.now).values() for f in rows]
    newest = max((f.raised_at for f in found), default=None)
    return f"{len(found)}-{int(newest.timestamp()) if newest else 0}"
