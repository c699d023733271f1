"""`Idempotency-Key` for every POST that creates something, answered by one rule.

A caller's key names one request: the same key with the same method, path, query
and body replays the first successful answer (status, body, Location/ETag, with
`Idempotent-Replayed: true`); the same key with anything else is 409
`idempotency_conflict`. Keys are per caller and kept 48 hours (entries.jobs).

The key is claimed by the request's first statement and the answer stored in
the same transaction as the work it answers, so a retry racing the first
request waits for it (PostgreSQL: the key's row lock; SQLite: the write gate)
and then replays it. A failed request stores nothing: its retry runs again.
Answers are encrypted at rest (SealedJSON), since they may carry health data.

Entries and questionnaire responses answer retries from their own rows (a
retry by the same id, too); their routes take the header themselves and
share this table, so a key is used once whatever it was used for.
"""

import hashlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode

import orjson
from fastapi import Request
from sqlalchemy import Column, Table, select, update
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.core.clock import Now
from app.core.db import per_dialect, request_session
from app.core.errors import IdempotencyConflict
from app.core.fields import IdempotencyKeyHeader
from app.core.sealed import SealedJSON
from app.core.types import UTCDateTime

REPLAYED = "Idempotent-Replayed"
# The answer's headers worth replaying (the rest are per response: request id, limits).
_KEPT_HEADERS = ("content-type", "location", "etag", "content-language")


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_key"

    user_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    key: str = Field(max_length=255, primary_key=True)
    request_hash: str = Field(max_length=64)
    # The entry or questionnaire response a key of theirs created; else null.
    entry_id: uuid.UUID | None = None
    # Any other create's first answer: {"status", "headers", "body"}, encrypted.
    response: dict[str, Any] | None = Field(
        default=None, sa_column=Column(SealedJSON("idempotency_key.response"), nullable=True)
    )
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


_keys = cast(Table, IdempotencyKey.__table__)  # type: ignore[attr-defined]
_CLAIM = per_dialect(
    lambda insert: (
        insert(_keys)
        .on_conflict_do_nothing(index_elements=[_keys.c.user_id, _keys.c.key])
        .returning(_keys.c.key)
    )
)


@dataclass
class Pending:
    """A request carrying a key, until its answer is stored (or it fails)."""

    request: Request
    key: str
    fingerprint: str
    now: datetime
    claimed_by: uuid.UUID | None = None


_pending: ContextVar[Pending | None] = ContextVar("kapj_idempotency", default=None)


async def idempotency_key(request: Request, now: Now, key: IdempotencyKeyHeader = None) -> None:
    """Route dependency of every creating POST (added by core.routing)."""
    if key is None:
        _pending.set(None)
        return
    pending = Pending(request, key, _fingerprint(request, await request.body()), now)
    request.state.idempotency = pending
    _pending.set(pending)


def _fingerprint(request: Request, body: bytes) -> str:
    try:  # the same JSON however its keys and spaces are laid out
        canonical = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        canonical = body
    query = urlencode(sorted(parse_qsl(request.url.query, keep_blank_values=True)))
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.url.path.encode(), query.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big") + part)
    # Keyed: the stored hash can't be used to test guesses of a short body.
    keyring = request.app.state.ctx.keyring
    return str(keyring.fingerprint(digest.hexdigest()))


def claim_or_replay() -> Response | None:
    """Before the route's work, in its thread: claim the key, or answer a retry."""
    pending = _pending.get()
    user_id: uuid.UUID | None = getattr(pending.request.state, "user_id", None) if pending else None
    db = request_session()
    if pending is None or user_id is None or db is None:
        return None
    connection = db.connection()
    values = {
        "user_id": user_id,
        "key": pending.key,
        "request_hash": pending.fingerprint,
        "created_at": pending.now,
    }
    if connection.execute(_CLAIM[connection.dialect.name], values).first() is not None:
        pending.claimed_by = user_id
        return None
    known = db.execute(
        select(IdempotencyKey).where(_keys.c.user_id == user_id, _keys.c.key == pending.key)
    ).scalar_one()
    if known.request_hash != pending.fingerprint or known.response is None:
        raise IdempotencyConflict()
    stored = known.response
    headers = dict(stored["headers"]) | {REPLAYED: "true"}
    return Response(stored["body"].encode(), status_code=stored["status"], headers=headers)


def claimed() -> bool:
    pending = _pending.get()
    return pending is not None and pending.claimed_by is not None


async def keep_answer(request: Request, response: Response) -> None:
    """After the route answered, before its commit: store a success for its retries."""
    pending: Pending | None = getattr(request.state, "idempotency", None)
    db: Session | None = getattr(request.state, "db", None)
    if pending is None or pending.claimed_by is None or db is None:
        return
    if not 200 <= response.status_code < 300:
        return  # nothing of a failure is committed; its retry runs again
    body = bytes(getattr(response, "body", b"")).decode()
    headers = {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS}
    stored = {"status": response.status_code, "headers": headers, "body": body}
    user_id = pending.claimed_by

    def store() -> None:
        db.execute(
            update(IdempotencyKey)
            .where(_keys.c.user_id == user_id, _keys.c.key == pending.key)
            .values(response=stored)
        )

    await run_in_threadpool(store)
