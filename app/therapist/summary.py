"""Integration prep: one window's shared entries, moods, prompts, flags and reviews."""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.core.crypto import KeyRing
from app.entries.models import JournalEntry, live
from app.entries.presenters import entry_view
from app.integration.service import list_for_patient
from app.integration.service import view as integration_view
from app.prompts.service import answered_prompts
from app.questionnaires.clinic import summary_fields
from app.reviews.service import review_view, reviews_by_entry
from app.safety.models import SafetyFlag
from app.sessions.models import KetamineSession
from app.sessions.presenters import window_public
from app.sessions.queries import window_of
from app.sessions.window import WindowRules, window_for


def build_summary(
    db: Session,
    *,
    session: KetamineSession,
    keyring: KeyRing,
    rules: WindowRules,
    viewer_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Everything the care team may see about one window, in a bounded number of queries."""
    window = window_of(db, session, rules)
    entries = db.exec(
        select(JournalEntry)
        .where(
            JournalEntry.session_id == session.id,
            live(),
        )
        .order_by(col(JournalEntry.written_at), col(JournalEntry.id))
    ).all()
    shared = [e for e in entries if e.is_shared]
    reviews = reviews_by_entry(db, [e.id for e in shared])
    views = []
    for e in shared:
        v = entry_view(e, session.administered_at, keyring=keyring, rules=rules)
        v["reviews"] = [
            review_view(r, e.version, keyring, viewer_id) for r in reviews.get(e.id, [])
        ]
        views.append(v)
    # Flags of the window's entries, deleted ones included: deleting an entry
    # does not take back the risk it suggested.
    flags = db.exec(
        select(SafetyFlag, JournalEntry.is_shared, JournalEntry.deleted_at)
        .outerjoin(JournalEntry, col(JournalEntry.id) == SafetyFlag.entry_id)
        .where(JournalEntry.session_id == session.id)
        .order_by(col(SafetyFlag.raised_at), col(SafetyFlag.id))
    ).all()
    integration = [
        integration_view(item, at, rules)
        for item, at in list_for_patient(db, session.patient_id)
        if item.session_id == session.id
    ]
    earlier = db.exec(
        select(KetamineSession)
        .where(
            KetamineSession.patient_id == session.patient_id,
            col(KetamineSession.administered_at) < session.administered_at,
        )
        .order_by(col(KetamineSession.administered_at))
    ).all()
    measures = summary_fields(
        db,
        patient_id=session.patient_id,
        window=window,
        # The previous window closes where this one opens at the latest.
        previous=window_for(
            earlier[-1].id, earlier[-1].administered_at, session.administered_at, rules
        )
        if earlier
        else None,
        first_session_at=earlier[0].administered_at if earlier else session.administered_at,
    )
    return measures | {
        "session_id": session.id,
        "patient_id": session.patient_id,
        "administered_at": session.administered_at,
        "route": session.route,
        "window": window_public(window).model_dump(),
        "entries": views,
        "mood_series": [
            {"written_at": v["written_at"], "mood": v["mood"], "phase": v["phase"]}
            for v in views
            if v["mood"] is not None
        ],
        "prompts_answered": answered_prompts(db, [v["prompt_id"] for v in views if v["prompt_id"]]),
        # A flag on a private entry shows that it was raised, never which entry or text.
        "safety_flags": [_flag(f, shared, deleted_at) for f, shared, deleted_at in flags],
        "integration_sessions": integration,
    }


def _flag(flag: SafetyFlag, shared: bool | None, deleted_at: datetime | None) -> dict[str, Any]:
    return {
        "id": flag.id,
        "level": "urgent" if flag.level == "urgent" else "review",
        "entry_id": flag.entry_id if shared is True and deleted_at is None else None,
        "on_private_entry": shared is False,
        "raised_at": flag.raised_at,
        "acknowledged_at": flag.acknowledged_at,
        "outcome": flag.outcome,
    }
