"""Entry rows from SQLite in a single JSON row.

Python's sqlite3 lets go of the interpreter lock for every row it steps; while
other threads run Python, taking the lock back means waiting for them, so a
51-row page waited 51 times under load. Aggregated to one JSON value, a page is
stepped once. PostgreSQL's driver reads a result in one go and needs none of this.
"""

import uuid
from collections import namedtuple
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

import orjson
from sqlalchemy import Boolean, Connection, LargeBinary, Table, Uuid, func, select

from app.core.types import UTCDateTime
from app.entries.models import JournalEntry

_entries = cast(Table, JournalEntry.__table__)  # type: ignore[attr-defined]
NAMES = [c.name for c in _entries.columns] + ["administered_at"]
EntryRow = namedtuple("EntryRow", NAMES)  # type: ignore[misc]


# Most ids on a page repeat (the patient's, the session's, the prompt's); UUIDs are immutable.
@lru_cache(maxsize=4096)
def _uuid(v: str | None) -> uuid.UUID | None:
    return None if v is None else uuid.UUID(hex=v)


def _time(v: str | None) -> datetime | None:
    if v is None:
        return None
    if len(v) <= _NAIVE_LENGTH:
        # Naive UTC text, as stored: parsed with its offset, several times faster
        # than parsing and then replacing the zone.
        return datetime.fromisoformat(v + "+00:00")
    return datetime.fromisoformat(v).astimezone(UTC)


_NAIVE_LENGTH = len("2026-01-01 00:00:00.000000")


def _bytes(v: str | None) -> bytes | None:
    # hex(NULL) is '' in SQLite: an erased text stays None.
    return bytes.fromhex(v) if v else None


def _bool(v: int | None) -> bool | None:
    return None if v is None else bool(v)


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    for kind, convert in (
        (Uuid, _uuid),
        (UTCDateTime, _time),
        (LargeBinary, _bytes),
        (Boolean, _bool),
    ):
        if isinstance(column_type, kind):
            return convert
    return None


_CONVERTERS = [(i, _converter(c.type)) for i, c in enumerate(_entries.columns)]
_CONVERTERS.append((len(_CONVERTERS), _time))  # administered_at
_CONVERT = [(i, f) for i, f in _CONVERTERS if f is not None]


def as_json(stmt: Any) -> Any:
    """`stmt` (entry columns, then administered_at) as one row holding a JSON array."""
    sub = stmt.subquery()
    # JSON holds no blobs: the ciphertext travels as hex.
    values = [func.hex(c) if isinstance(c.type, LargeBinary) else c for c in sub.c]
    return select(func.json_group_array(func.json_array(*values)))


def entry_rows(
    connection: Connection,
    json_stmt: Any,
    params: dict[str, Any],
    *,
    key: Callable[[Any], Any],
    reverse: bool = False,
) -> list[Any]:
    """The rows of a statement made by as_json(), sorted by `key`."""
    doc = connection.execute(json_stmt, params).scalar_one()
    rows = []
    for raw in orjson.loads(doc):
        for i, convert in _CONVERT:
            raw[i] = convert(raw[i])
        rows.append(EntryRow._make(raw))
    # An aggregate keeps no promised order; the page's order is restored here.
    rows.sort(key=key, reverse=reverse)
    return rows
