"""A care team changed: the patient is told, in the feed and by push where it exists."""

import uuid
from datetime import datetime

from sqlmodel import Session

from app.accounts.models import User
from app.notifications.service import enqueue


def tell_patient(
    db: Session, *, patient_id: uuid.UUID, therapist_id: uuid.UUID, joined: bool, now: datetime
) -> None:
    """One feed item per change; the name is the therapist's unique display name."""
    therapist = db.get(User, therapist_id)
    name = therapist.display_name if therapist is not None else "A therapist"
    change = "joined" if joined else "left"
    enqueue(
        db,
        user_id=patient_id,
        kind="care_team_changed",
        # Unique per change, so a later change is a new item, not an update of this one.
        dedupe_key=f"care_team:{patient_id}:{therapist_id}:{change}:{now.isoformat()}",
        due_at=now,
        title="Your care team changed",
        body=f"{name} {change} your care team."[:500],
        data={"therapist_id": str(therapist_id), "change": change},
        now=now,
    )
