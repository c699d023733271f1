"""Writing audit events, in the caller's transaction."""

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select
from sqlmodel import Session

from app.accounts.models import User
from app.audit.models import AuditEvent


def record_access(
    db: Session,
    *,
    actor_id: uuid.UUID | None,
    actor_role: str,
    action: str,
    patient_id: uuid.UUID | None,
    resource_type: str,
    resource_id: uuid.UUID | str | None,
    request_id: str | None,
    now: datetime,
    client_request_id: str | None = None,
) -> None:
    """Append one event; a failure here fails the read or change it records."""
    db.add(
        AuditEvent(
            occurred_at=now,
            actor_id=actor_id,
            actor_role=actor_role,
            action=action,
            patient_id=patient_id,
            resource_type=resource_type,
            resource_id=str(resource_id) if resource_id is not None else None,
            request_id=request_id,
            client_request_id=client_request_id,
        )
    )
    db.flush()


def _random_uuid_sqlite() -> Any:
    """A version-4 UUID as SQLite stores one (32 hex digits), drawn per row."""

    def hex_digits(n: int) -> Any:
        return func.substr(func.lower(func.hex(func.randomblob((n + 1) // 2))), 1, n)

    variant = func.substr("89ab", 1 + func.abs(func.random() % 4), 1)
    return hex_digits(12) + "4" + hex_digits(3) + variant + hex_digits(15)


def _reads(random_id: Any) -> Any:
    """One event per listed patient as one INSERT ... SELECT: the request's fields are
    bound once, not once per row, and the ids are drawn by the database."""
    same = {c: bindparam(c, type_=_audit.c[c].type) for c in _SHARED}
    rows = select(
        random_id.label("id"),
        *(same[c].label(c) for c in _SHARED),
        _users.c.id.label("patient_id"),
    ).where(_users.c.id.in_(bindparam("patient_ids", expanding=True)))
    return insert(_audit).from_select(["id", *_SHARED, "patient_id"], rows)


_audit = cast(Table, AuditEvent.__table__)  # type: ignore[attr-defined]
_users = cast(Table, User.__table__)  # type: ignore[attr-defined]
_SHARED = (
    "occurred_at",
    "actor_id",
    "actor_role",
    "action",
    "resource_type",
    "request_id",
    "client_request_id",
)
_READS = {"postgresql": _reads(func.gen_random_uuid()), "sqlite": _reads(_random_uuid_sqlite())}


def record_reads(
    db: Session,
    *,
    actor_id: uuid.UUID,
    actor_role: str,
    action: str,
    patient_ids: list[uuid.UUID],
    resource_type: str,
    request_id: str | None,
    now: datetime,
    client_request_id: str | None = None,
) -> None:
    """One event per patient in a single statement (a list that shows many patients)."""
    if not patient_ids:
        return
    connection = db.connection()
    connection.execute(
        _READS[connection.dialect.name],
        {
            "occurred_at": now,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "action": action,
            "resource_type": resource_type,
            "request_id": request_id,
            "client_request_id": client_request_id,
            "patient_ids": patient_ids,
        },
    )
