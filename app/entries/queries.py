"""Reading entries in pages and in change order, with their session time."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.core.pagination import cut_page, decode_cursor, ordered_after
from app.counts.service import is_unreviewed
from app.entries.models import EntryRecord, JournalEntry, live, shared
from app.entries.sqlite_rows import as_json, entry_rows
from app.sessions.models import KetamineSession

_entries = cast(Table, JournalEntry.__table__)  # type: ignore[attr-defined]

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


def _rows(
    db: Session,
    statements: tuple[Any, Any],
    params: dict[str, Any],
    *,
    key: Callable[[Any], Any],
    reverse: bool = False,
) -> list[Row]:
    """Run the plain statement, or on SQLite its one-row JSON form (see sqlite_rows)."""
    plain, as_json_row = statements
    # On the connection: Session.execute would route a Core select through the ORM's compile step.
    connection = db.connection()
    if connection.dialect.name == "sqlite":
        rows = entry_rows(connection, as_json_row, params, key=key, reverse=reverse)
    else:
        rows = list(connection.execute(plain, params).all())
    return [(cast(JournalEntry, r), r.administered_at) for r in rows]


def _newest_first(r: Any) -> tuple[datetime, uuid.UUID]:
    return r.written_at, r.id


def _change_order(r: Any) -> int:
    return int(r.change_seq)


def entry_with_session_time(db: Session, entry: EntryRecord) -> tuple[EntryRecord, datetime | None]:
    if entry.session_id is None:
        return entry, None
    session = db.get(KetamineSession, entry.session_id)
    return entry, session.administered_at if session else None


@cache
def _page_statements(
    shared_only: bool, by_session: bool, reviewed: bool | None, after: bool
) -> tuple[Any, Any]:
    """A page query for each combination of filters, built once with bound parameters."""
    e = _entries.c
    visible = shared() if shared_only else live()
    stmt = _with_session_time().where(e.patient_id == bindparam("pid"), visible)
    if by_session:
        stmt = stmt.where(e.session_id == bindparam("sid"))
    if reviewed is not None:
        stmt = stmt.where(~is_unreviewed() if reviewed else is_unreviewed())
    cursor_at = (
        (bindparam("after_at", type_=e.written_at.type), bindparam("after_id", type_=e.id.type))
        if after
        else None
    )
    stmt = ordered_after(stmt, e.written_at, e.id, cursor_at, descending=True)
    stmt = stmt.limit(bindparam("lim"))
    return stmt, as_json(stmt)


@dataclass(frozen=True)
class EntryFilter:
    """Which of a patient's live entries a list shows: the care team's are the shared
    ones, of one session's window or by whether they were reviewed."""

    shared_only: bool = False
    session_id: uuid.UUID | None = None
    reviewed: bool | None = None


def page_entries(
    db: Session,
    *,
    patient_id: uuid.UUID,
    limit: int,
    cursor: str | None,
    only: EntryFilter = EntryFilter(),
) -> tuple[list[Row], str | None]:
    """Live entries, newest first by written_at, keyset-paged."""
    params: dict[str, Any] = {"pid": patient_id, "sid": only.session_id, "lim": limit + 1}
    if cursor:
        params["after_at"], params["after_id"] = decode_cursor(cursor, datetime, uuid.UUID)
    by_session = only.session_id is not None
    statements = _page_statements(only.shared_only, by_session, only.reviewed, bool(cursor))
    rows = _rows(db, statements, params, key=_newest_first, reverse=True)
    return cut_page(rows, limit, lambda r: (r[0].written_at, r[0].id))


@cache
def _change_statements() -> tuple[Any, Any]:
    e = _entries.c
    stmt = (
        _with_session_time()
        .where(e.patient_id == bindparam("pid"), e.change_seq > bindparam("since"))
        .order_by(e.change_seq)
        .limit(bindparam("lim"))
    )
    return stmt, as_json(stmt)


def changes_since(db: Session, *, patient_id: uuid.UUID, since: int, limit: int) -> list[Row]:
    """Entries and tombstones whose change number is above `since`, in change order."""
    params = {"pid": patient_id, "since": since, "lim": limit}
    return _rows(db, _change_statements(), params, key=_change_order)
