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


_audit = cast(Table, AuditEvent.__table__)  # type: ignore[attr-defined]
_users = cast(Table, User.__table__)  # type: ignore[attr-defined]
_SHARED = (  # what every event of one list read shares
    "occurred_at",
    "actor_id",
    "actor_role",
    "action",
    "resource_type",
    "request_id",
    "client_request_id",
)


def _reads() -> Any:
    """PostgreSQL: one event per listed patient as one INSERT ... SELECT, the request's
    fields bound once and the ids drawn by the database."""
    same = {c: bindparam(c, type_=_audit.c[c].type) for c in _SHARED}
    rows = select(
        func.gen_random_uuid().label("id"),
        *(same[c].label(c) for c in _SHARED),
        _users.c.id.label("patient_id"),
    ).where(_users.c.id.in_(bindparam("patient_ids", expanding=True)))
    return insert(_audit).from_select(["id", *_SHARED, "patient_id"], rows)


_READS_PG = _reads()


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
    """One event per patient in a single statement (a list that shows many patients).

    Measured per queue read of 100 patients (bench/RESULTS.md): on PostgreSQL the
    INSERT ... SELECT costs the web process 0.5 ms against 1.9 ms for an executemany;
    on SQLite the executemany is the cheaper (1.2 ms against 1.7 ms)."""
    if not patient_ids:
        return
    patient_ids = list(dict.fromkeys(patient_ids))  # one event per patient, on both databases
    connection = db.connection()
    shared = {
        "occurred_at": now,
        "actor_id": actor_id,
        "actor_role": actor_role,
        "action": action,
        "resource_type": resource_type,
        "request_id": request_id,
        "client_request_id": client_request_id,
    }
    if connection.dialect.name == "postgresql":
        connection.execute(_READS_PG, shared | {"patient_ids": patient_ids})
        return
    # The table, not the ORM class: a Core executemany skips the ORM's bulk machinery.
    connection.execute(
        insert(_audit),
        [
            shared | {"id": uuid.uuid4(), "patient_id": pid, "resource_id": None}
            for pid in patient_ids
        ],
    )
