"""The demo clinic's care: a review, a flag, an integration session, reminders."""

from datetime import timedelta

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.clock import utcnow
from app.core.crypto import KeyRing
from app.entries.models import JournalEntry
from app.entries.service import decrypt_body
from app.integration.models import IntegrationSession
from app.integration.service import schedule
from app.notifications.reminders import reschedule_patient
from app.prompts.library import prompt_id
from app.prompts.models import PromptAssignment, Technique
from app.prompts.schemas import AssignmentCreate
from app.prompts.service import assign
from app.reviews.models import EntryReview
from app.reviews.schemas import ReviewPut
from app.reviews.service import review_entry
from app.safety.models import SafetyFlag
from app.safety.screen import screen_text
from app.safety.service import resources_for, screen_entry
from app.sessions.models import KetamineSession
from app.sessions.window import WindowRules

MUSIC = AssignmentCreate(
    title="The music in the room",
    text=(
        "You said the music helped you feel safe. Which moment of it do you remember "
        "best, and what did it bring with it? A few lines are plenty."
    ),
    technique=Technique.capture,
)


def _entries(db: Session, patient: User) -> list[JournalEntry]:
    return list(
        db.exec(
            select(JournalEntry)
            .where(JournalEntry.patient_id == patient.id)
            .order_by(col(JournalEntry.written_at))
        ).all()
    )


def ensure_demo_care(
    db: Session,
    users: dict[str, User],
    keyring: KeyRing,
    rules: WindowRules,
    crisis_resources: dict[str, list[dict[str, str]]],
) -> None:
    now = utcnow()
    alex, casey, rivera = users["alex"], users["casey"], users["rivera"]

    first = _entries(db, alex)[0]
    if db.exec(select(EntryReview).where(EntryReview.entry_id == first.id)).first() is None:
        note = "Ask about the lake image; it came up last time too."
        given = ReviewPut(note=note, discuss=True)
        review_entry(db, entry=first, by=rivera.id, given=given, keyring=keyring, now=now)

    for entry in _entries(db, casey):
        flagged = db.exec(select(SafetyFlag).where(SafetyFlag.entry_id == entry.id)).first()
        if flagged is None:
            screen_entry(
                db,
                entry=entry,
                hit=screen_text(decrypt_body(keyring, entry)),
                resources=resources_for(crisis_resources, "en"),
                now=now,
            )

    session = db.exec(
        select(KetamineSession)
        .where(KetamineSession.patient_id == alex.id)
        .order_by(col(KetamineSession.administered_at).desc())
    ).first()
    if session is not None and (
        db.exec(
            select(IntegrationSession).where(IntegrationSession.session_id == session.id)
        ).first()
        is None
    ):
        at = session.administered_at + timedelta(hours=40)
        schedule(db, session=session, at=at, by=rivera.id, now=now)

    for patient, prompt in (
        (alex, AssignmentCreate(prompt_id=prompt_id("action-bring-to-session"))),
        (users["sam"], MUSIC),
    ):
        assigned = select(PromptAssignment).where(PromptAssignment.patient_id == patient.id)
        if db.exec(assigned).first() is None:
            assign(db, patient_id=patient.id, by=rivera.id, given=prompt, now=now)

    for key in ("alex", "sam", "jordan", "casey"):
        reschedule_patient(db, patient_id=users[key].id, rules=rules, now=now)
