"""The care team's write actions on a patient's record: review an entry, acknowledge
a flag, schedule, move or cancel the integration session, assign or take back a
prompt. Each is checked, stored and audited here, for the API and the clinic alike."""

import uuid
from datetime import datetime

from app.accounts.errors import PatientNotFound
from app.accounts.models import Role
from app.accounts.service import is_on_care_team
from app.entries.models import JournalEntry, is_visible_to_care_team
from app.integration import service as integration
from app.integration.models import IntegrationSession
from app.integration.schemas import IntegrationCreate
from app.prompts import service as prompts
from app.prompts.models import Prompt, PromptAssignment
from app.prompts.schemas import AssignmentCreate
from app.reviews import service as reviews
from app.reviews.models import EntryReview
from app.reviews.schemas import ReviewPut
from app.safety import flags
from app.safety.errors import FlagNotFound
from app.safety.models import SafetyFlag
from app.safety.schemas import FlagAcknowledge
from app.sessions.models import KetamineSession
from app.sessions.queries import get_session
from app.usecases.act import Act


def review_entry(
    act: Act, *, entry: JournalEntry, given: ReviewPut, keep: bool = False
) -> EntryReview:
    """Mark the entry reviewed; the note is read by its author alone or the care team.
    `keep`: a review the caller already wrote keeps its note and discussion mark."""
    review = reviews.review_entry(
        act.db,
        entry=entry,
        by=act.actor_id,
        given=given,
        keyring=act.keyring,
        now=act.now,
        keep=keep,
    )
    act.audit.record("entry.review", entry.patient_id, "entry", entry.id)
    return review


# The most entries one request marks reviewed: a window's worth and then some.
MAX_BULK_REVIEWS = 100
# What marking many at once gives an entry not reviewed before: no note, no discussion.
JUST_REVIEWED = ReviewPut(visibility="author")


def review_entries(
    act: Act, *, patient_id: uuid.UUID, entry_ids: list[uuid.UUID]
) -> tuple[list[tuple[EntryReview, JournalEntry]], list[uuid.UUID]]:
    """Mark several of a patient's shared entries reviewed at once, keeping any note or
    discussion mark this therapist already gave them. Returns the reviews and the ids
    that could not be marked (not this patient's, private, deleted, unknown): those are
    answered the same way, so the list tells nothing about other patients."""
    if not is_on_care_team(act.db, therapist_id=act.actor_id, patient_id=patient_id):
        raise PatientNotFound()
    done: list[tuple[EntryReview, JournalEntry]] = []
    skipped: list[uuid.UUID] = []
    for entry_id in dict.fromkeys(entry_ids):
        entry = act.db.get(JournalEntry, entry_id)
        if entry is None or entry.patient_id != patient_id or not is_visible_to_care_team(entry):
            skipped.append(entry_id)
            continue
        review = review_entry(act, entry=entry, given=JUST_REVIEWED, keep=True)
        done.append((review, entry))
    return done, skipped


def flag_for_acknowledgement(act: Act, flag_id: uuid.UUID, role: Role) -> tuple[SafetyFlag, bool]:
    """The flag if the caller may close it (its care team, or on-call staff), and
    whether the caller is on the care team (who may see the entry it came from)."""
    flag = flags.get_flag(act.db, flag_id)
    mine = role == Role.therapist and is_on_care_team(
        act.db, therapist_id=act.actor_id, patient_id=flag.patient_id
    )
    oncall = tuple(act.settings.safety_oncall_emails)
    if not mine and not flags.is_on_call(act.db, act.actor_id, oncall):
        raise FlagNotFound()
    return flag, mine


def acknowledge_flag(act: Act, *, flag: SafetyFlag, given: FlagAcknowledge) -> SafetyFlag:
    """Close the flag once with the outcome the clinician chose; the escalation stops."""
    flag = flags.acknowledge(
        act.db, flag=flag, by=act.actor_id, given=given, keyring=act.keyring, now=act.now
    )
    act.audit.record("safety_flag.acknowledge", flag.patient_id, "safety_flag", flag.id)
    return flag


def _audit_integration(act: Act, action: str, item: IntegrationSession) -> None:
    act.audit.record(action, item.patient_id, "integration_session", item.id)


def schedule_integration(
    act: Act, *, patient_id: uuid.UUID, new: IntegrationCreate
) -> tuple[IntegrationSession, KetamineSession]:
    session = get_session(act.db, new.session_id, patient_id=patient_id)
    at = new.scheduled_at
    integration.check_time(at, session_at=session.administered_at, now=act.now)
    item = integration.schedule(act.db, session=session, at=at, by=act.actor_id, now=act.now)
    _audit_integration(act, "integration.create", item)
    return item, session


def move_integration(
    act: Act, *, patient_id: uuid.UUID, item_id: uuid.UUID, scheduled_at: datetime
) -> tuple[IntegrationSession, KetamineSession]:
    item = integration.get(act.db, patient_id=patient_id, item_id=item_id)
    session = get_session(act.db, item.session_id)
    integration.check_time(scheduled_at, session_at=session.administered_at, now=act.now)
    item = integration.move(act.db, item=item, scheduled_at=scheduled_at, now=act.now)
    _audit_integration(act, "integration.update", item)
    return item, session


def cancel_integration(act: Act, *, patient_id: uuid.UUID, item_id: uuid.UUID) -> uuid.UUID:
    """Cancel it; answers the ketamine session it belonged to."""
    item = integration.get(act.db, patient_id=patient_id, item_id=item_id)
    _audit_integration(act, "integration.delete", item)
    session_id = item.session_id
    integration.remove(act.db, item=item, now=act.now)
    return session_id


def list_integrations(
    act: Act, *, patient_id: uuid.UUID
) -> list[tuple[IntegrationSession, datetime]]:
    rows = integration.list_for_patient(act.db, patient_id)
    act.audit.record("integration.list", patient_id, "integration_session")
    return rows


def read_integration(
    act: Act, *, patient_id: uuid.UUID, item_id: uuid.UUID
) -> tuple[IntegrationSession, datetime]:
    item = integration.get(act.db, patient_id=patient_id, item_id=item_id)
    _audit_integration(act, "integration.read", item)
    return item, get_session(act.db, item.session_id).administered_at


def assign_prompt(
    act: Act, *, patient_id: uuid.UUID, given: AssignmentCreate
) -> tuple[PromptAssignment, Prompt]:
    assignment, prompt = prompts.assign(
        act.db, patient_id=patient_id, by=act.actor_id, given=given, now=act.now
    )
    act.audit.record("prompt.assign", patient_id, "prompt_assignment", assignment.id)
    return assignment, prompt


def unassign_prompt(act: Act, *, patient_id: uuid.UUID, assignment_id: uuid.UUID) -> None:
    prompts.unassign(act.db, patient_id=patient_id, assignment_id=assignment_id)
    act.audit.record("prompt.unassign", patient_id, "prompt_assignment", assignment_id)


def list_assignments(act: Act, *, patient_id: uuid.UUID) -> list[tuple[PromptAssignment, Prompt]]:
    rows = prompts.assignments_of(act.db, patient_id)
    act.audit.record("prompt.list_assignments", patient_id, "prompt_assignment")
    return list(rows)


def read_custom_prompt(act: Act, prompt: Prompt) -> None:
    """A custom prompt is part of its patient's record: its read is audited."""
    if prompt.patient_id is not None:
        act.audit.record("prompt.read", prompt.patient_id, "prompt", prompt.id)
