"""Reading entries in pages and in change order, with their session time."""

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.core.pagination import cut_page, keyset
from app.entries.models import JournalEntry
from app.reviews.service import is_unreviewed
from app.sessions.models import KetamineSession

# Each row: the entry and the start of its session (None when unattached).
Row = tuple[JournalEntry, datetime | None]


def _with_session_time() -> Any:  # sqlmodel's typed Select does not survive chaining
    # Core rows, not ORM objects: a page skips the identity map and attribute
    # instrumentation of every entry (the largest cost of a page in profiles).
    # A row carries the entry's column names, so presenters read it like an entry.
    entry = JournalEntry.__table__  # type: ignore[attr-defined]
    return sa_select(*entry.columns, col(KetamineSession.administered_at)).outerjoin(
        KetamineSession, col(KetamineSession.id) == entry.c.session_id
    )


def _rows(db: Session, stmt: Any) -> list[Row]:
    # On the connection: Session.execute would route a Core select through the ORM's compile step.
    rows = db.connection().execute(stmt).all()
    return [(cast(JournalEntry, r), r.administered_at) for r in rows]


def entry_with_session_time(db: Session, entry: JournalEntry) -> Row:
    if entry.session_id is None:
        return entry, None
    session = db.get(KetamineSession, entry.session_id)
    return entry, session.administered_at if session else None


def page_entries(
    db: Session,
    *,
    patient_id: uuid.UUID,
    limit: int,
    cursor: str | None,
    shared_only: bool = False,
    session_id: uuid.UUID | None = None,
    reviewed: bool | None = None,
) -> tuple[list[Row], str | None]:
    """Live entries, newest first by written_at, keyset-paged."""
    stmt = _with_session_time().where(
        col(JournalEntry.patient_id) == patient_id, col(JournalEntry.deleted_at).is_(None)
    )
    if shared_only:
        stmt = stmt.where(col(JournalEntry.is_shared).is_(True))
    if session_id is not None:
        stmt = stmt.where(col(JournalEntry.session_id) == session_id)
    if reviewed is not None:
        stmt = stmt.where(~is_unreviewed() if reviewed else is_unreviewed())
    stmt = keyset(stmt, col(JournalEntry.written_at), col(JournalEntry.id), cursor, descending=True)
    rows = _rows(db, stmt.limit(limit + 1))
    return cut_page(rows, limit, lambda r: (r[0].written_at, r[0].id))


def changes_since(db: Session, *, patient_id: uuid.UUID, since: int, limit: int) -> list[Row]:
    """Entries and tombstones whose change number is above `since`, in change order."""
    stmt = (
        _with_session_time()
        .where(col(JournalEntry.patient_id) == patient_id, col(JournalEntry.change_seq) > since)
        .order_by(col(JournalEntry.change_seq))
        .limit(limit)
    )
    return _rows(db, stmt)
