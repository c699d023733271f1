"""Choosing the next prompt for a patient.

1. The phase: `acute` (the first hours after the dose), `early` or `integration`
   inside a window, `between_windows` outside. Retired prompts are never served;
   look-ahead prompts stop once the window's integration session has taken place.
2. The scope of "already used": since the window opened, or between windows since
   the last window closed. A prompt is used once served or answered in the scope.
3. The care team's assigned prompts come first, oldest assignment first: those that
   fit the phase (custom prompts fit every phase), are unused in the scope and have
   not been answered since they were assigned.
4. Then library prompts that fit the phase, never repeated in the scope while
   unused ones remain, rotating techniques: never the technique served last while
   another has unused prompts, then the technique served least recently; ties
   are broken by an order drawn afresh for each window (and patient).
5. When every fitting prompt was used and no technique was asked for, the least
   recently served one comes back round (still not the last technique if another
   fits). A technique with nothing unused left is a 404.
"""

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from app.entries.models import JournalEntry, live
from app.integration.models import IntegrationSession
from app.prompts.errors import NoPromptAvailable
from app.prompts.models import Prompt, PromptAssignment, PromptServing, Technique
from app.sessions.queries import current_window, latest_session_at, window_of
from app.sessions.window import WindowRules

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Choice:
    prompt: Prompt
    phase: str
    assigned: bool


def _scope(
    db: Session, patient_id: uuid.UUID, now: datetime, rules: WindowRules
) -> tuple[str, datetime, uuid.UUID | None]:
    window = current_window(db, patient_id=patient_id, now=now, rules=rules)
    if window is not None:
        phase = window.window_phase_at(now).value
        return phase, window.opens_at, window.session_id
    last = latest_session_at(db, patient_id, now)
    since = window_of(db, last, rules).closes_at if last is not None else _EPOCH
    return "between_windows", since, None


def _last_answers(db: Session, patient_id: uuid.UUID) -> dict[uuid.UUID, datetime]:
    """When each prompt was last answered by a live entry (one row per prompt)."""
    rows = db.exec(
        select(JournalEntry.prompt_id, func.max(JournalEntry.written_at))
        .where(
            JournalEntry.patient_id == patient_id,
            col(JournalEntry.prompt_id).is_not(None),
            live(),
        )
        .group_by(col(JournalEntry.prompt_id))
    ).all()
    # max() loses the column type on SQLite; make every time aware UTC.
    return {
        pid: at if at.tzinfo else at.replace(tzinfo=UTC)
        for pid, at in rows
        if pid is not None and at is not None
    }


def choose_next(
    db: Session,
    *,
    patient_id: uuid.UUID,
    technique: Technique | None,
    rules: WindowRules,
    now: datetime,
) -> Choice:
    phase, since, session_id = _scope(db, patient_id, now, rules)
    servings = db.exec(
        select(PromptServing.prompt_id, PromptServing.served_at, Prompt.technique)
        .join(Prompt, col(Prompt.id) == PromptServing.prompt_id)
        .where(PromptServing.patient_id == patient_id, col(PromptServing.served_at) >= since)
        .order_by(col(PromptServing.served_at), col(PromptServing.id))
    ).all()
    answered = _last_answers(db, patient_id)
    used = {pid for pid, _, _ in servings} | {p for p, at in answered.items() if at >= since}

    after_integration = session_id is not None and _integration_held(db, session_id, now)

    def fits(p: Prompt) -> bool:
        return (
            phase in p.phases
            and not p.is_retired
            and not (after_integration and p.is_look_ahead)
            and (technique is None or p.technique == technique)
        )

    assigned = db.exec(
        select(Prompt, PromptAssignment.assigned_at)
        .join(PromptAssignment, col(PromptAssignment.prompt_id) == Prompt.id)
        .where(PromptAssignment.patient_id == patient_id)
        .order_by(col(PromptAssignment.assigned_at), col(PromptAssignment.id))
    ).all()
    for prompt, assigned_at in assigned:
        done = answered.get(prompt.id, _EPOCH) >= assigned_at
        if fits(prompt) and prompt.id not in used and not done:
            return _serve(db, prompt, patient_id, session_id, phase, now, assigned=True)

    library = [
        p
        for p in db.exec(
            select(Prompt).where(col(Prompt.patient_id).is_(None)).order_by(col(Prompt.slug))
        ).all()
        if fits(p)
    ]
    unused = [p for p in library if p.id not in used]
    if not unused and (technique is not None or not library):
        raise NoPromptAvailable()
    prompt = _rotate(unused or library, servings, f"{patient_id}:{session_id or since}")
    return _serve(db, prompt, patient_id, session_id, phase, now, assigned=False)


def _integration_held(db: Session, session_id: uuid.UUID, now: datetime) -> bool:
    """Whether the window's integration session has already taken place."""
    return (
        db.exec(
            select(IntegrationSession.id).where(
                IntegrationSession.session_id == session_id,
                col(IntegrationSession.scheduled_at) <= now,
            )
        ).first()
        is not None
    )


def _shuffle_key(scope: str, prompt: Prompt) -> bytes:
    """A stable order per window: the same within it, a different one in the next."""
    return hashlib.blake2b(f"{scope}:{prompt.id}".encode(), digest_size=8).digest()


def _rotate(
    candidates: list[Prompt], servings: Sequence[tuple[uuid.UUID, datetime, str]], scope: str
) -> Prompt:
    """Not the last technique if another is there; then the least recently served."""
    previous = servings[-1][2] if servings else None
    by_technique = {t: at for _, at, t in servings}
    by_prompt = {pid: at for pid, at, _ in servings}
    return min(
        candidates,
        key=lambda p: (
            p.technique == previous,
            by_technique.get(p.technique, _EPOCH),
            by_prompt.get(p.id, _EPOCH),
            _shuffle_key(scope, p),
        ),
    )


def _serve(
    db: Session,
    prompt: Prompt,
    patient_id: uuid.UUID,
    session_id: uuid.UUID | None,
    phase: str,
    now: datetime,
    *,
    assigned: bool,
) -> Choice:
    db.add(
        PromptServing(
            patient_id=patient_id, prompt_id=prompt.id, session_id=session_id, served_at=now
        )
    )
    db.flush()
    return Choice(prompt, phase, assigned)
