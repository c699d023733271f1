"""Opaque keyset cursors and the list envelope."""

import base64
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar, get_args

import orjson
from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import AppError

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class InvalidCursor(AppError, status=410, code="invalid_cursor", title="The cursor is not valid"):
    # A well-formed token the server cannot follow names a page it cannot find (any
    # more): gone, not a bad request. The client starts the list again.
    def __init__(self) -> None:
        super().__init__(
            "The page this cursor points to cannot be found; start the list again from "
            "its first page (without a cursor)"
        )


# Cursors and sync tokens are base64url; any such text is taken, and one that
# does not decode to a cursor of this list answers 410 invalid_cursor.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]+={0,2}$"  # noqa: S105 (not a password)
CURSOR_TEXT = (
    "Opaque: the `next_cursor` of the previous page (base64url). One that matches "
    "the pattern but was not made by this list answers 410 `invalid_cursor`: start the "
    "list again from its first page"
)


def _page_examples(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """A page's example: one item, from the item model's own example."""
    args = get_args(cls.model_fields["items"].annotation)
    extra = getattr(args[0], "model_config", {}).get("json_schema_extra") if args else None
    if isinstance(extra, dict) and extra.get("examples"):
        item = extra["examples"][0]
        schema["examples"] = [{"items": [item], "next_cursor": "WyIyMDI2LTExLTMwVDEwOjMwOjAwWiJd"}]


class Page(BaseModel, Generic[T]):
    """One page of a list, newest first unless the route says otherwise."""

    model_config = ConfigDict(json_schema_extra=_page_examples)

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page",
        pattern=TOKEN_PATTERN,
    )


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")]
Cursor = Annotated[
    str | None, Query(max_length=512, pattern=TOKEN_PATTERN, description=CURSOR_TEXT)
]


def encode_cursor(*values: Any) -> str:
    def conv(v: Any) -> Any:
        if isinstance(v, datetime):
            return {"t": v.isoformat()}
        if isinstance(v, uuid.UUID):
            return {"u": str(v)}
        return v

    return base64.urlsafe_b64encode(orjson.dumps([conv(v) for v in values])).decode().rstrip("=")


def decode_cursor(cursor: str, *types: type) -> list[Any]:
    """The values of a cursor made by encode_cursor, each checked against `types`."""

    def conv(v: Any) -> Any:
        if isinstance(v, dict) and isinstance(v.get("t"), str):
            return datetime.fromisoformat(v["t"])
        if isinstance(v, dict) and isinstance(v.get("u"), str):
            return uuid.UUID(v["u"])
        return v

    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = [conv(v) for v in orjson.loads(raw)]
    except (ValueError, TypeError, AttributeError, orjson.JSONDecodeError) as exc:
        raise InvalidCursor() from exc
    if len(values) != len(types) or not all(
        type(v) is t for v, t in zip(values, types, strict=False)
    ):
        raise InvalidCursor()
    if not all(_plausible(v) for v in values):
        raise InvalidCursor()
    return values


# Cursors hold times and counters the server wrote; anything far outside is forged,
# and near year 1 or 9999 it would overflow time arithmetic or the database.
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)
_MAX_INT = 2**63 - 1


def _plausible(value: Any) -> bool:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return False
        try:
            return _EARLIEST <= value.astimezone(UTC) < _LATEST
        except (OverflowError, ValueError):
            return False
    if isinstance(value, int) and not isinstance(value, bool):
        return 0 <= value <= _MAX_INT
    return True


def keyset(stmt: Any, at: Any, ident: Any, cursor: str | None, *, descending: bool) -> Any:
    """Order by (at, id) and continue after the cursor's (at, id)."""
    after = decode_cursor(cursor, datetime, uuid.UUID) if cursor else None
    return ordered_after(stmt, at, ident, after, descending=descending)


def ordered_after(
    stmt: Any, at: Any, ident: Any, after: Sequence[Any] | None, *, descending: bool
) -> Any:
    """Order by (at, id) and continue strictly after `after`: values or bound parameters."""
    if after is not None:
        after_at, after_id = after
        if descending:
            stmt = stmt.where((at < after_at) | ((at == after_at) & (ident < after_id)))
        else:
            stmt = stmt.where((at > after_at) | ((at == after_at) & (ident > after_id)))
    order = (at.desc(), ident.desc()) if descending else (at, ident)
    return stmt.order_by(*order)


def cut_page(
    rows: list[T], limit: int, key: Callable[[T], tuple[datetime, uuid.UUID]]
) -> tuple[list[T], str | None]:
    """The first `limit` of `limit + 1` fetched rows, and the cursor when more remain."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(*key(rows[-1]))


def slice_page(items: Sequence[T], limit: int, cursor: str | None) -> tuple[list[T], str | None]:
    """A page of a short list the server builds whole (the queue, a care team), with an
    opaque cursor holding the position, so that every list pages the same way."""
    start = decode_cursor(cursor, int)[0] if cursor else 0
    end = start + limit
    return list(items[start:end]), encode_cursor(end) if end < len(items) else None
