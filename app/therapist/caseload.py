"""The caseload: every patient a therapist treats (or the clinic has), with the kept
counts; names and numbers only, never text."""

import uuid
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.counts.models import PatientCounts


def caseload(db: Session, ids: set[uuid.UUID] | None) -> list[dict[str, Any]]:
    """`ids`: the patients to list, or None for every patient account."""
    if ids is not None and not ids:
        return []
    stmt = (
        select(User, PatientCounts)
        .outerjoin(PatientCounts, col(PatientCounts.patient_id) == User.id)
        .where(User.role == Role.patient)
    )
    if ids is not None:
        stmt = stmt.where(col(User.id).in_(ids))
    return [
        {
            "id": u.id,
            "display_name": u.display_name,
            "email": u.email,
            "is_active": u.is_active,
            "unreviewed": (c.unreviewed if c else 0) or 0,
            "open_flags": (c.open_flags if c else 0) or 0,
        }
        for u, c in db.exec(stmt).all()
    ]
