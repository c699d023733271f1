"""Choosing the next prompt for a patient.

1. The phase: `early` or `integration` inside a window, `between_windows` outside.
2. The scope of "already used": since the window opened, or between windows since
   the last window closed. A prompt is used once served or answered in the scope.
3. The care team's assigned prompts come first, oldest assignment first.
4. Then library prompts that fit the phase, never repeated in the scope while
   unused ones remain, rotating techniques: the technique served least recently
   (never served first), and not the one served last when another is available.
5. When every fitting prompt was used and no technique was asked for, the least
   recently served one comes back round. A technique with nothing left is a 404.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.core.errors import NotFound
from app.entries.models import JournalEntry
from app.prompts.models import Prompt, PromptAssignment, PromptServing, Technique
from app.sessions.service import current_window, latest_session_at, window_of
from app.sessions.window import WindowRules

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class NoPromptAvailable(NotFound):
    code = "no_prompt_available"
    title = "No unused prompt of this technique fits right now"


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
        return window.phase_at(now).value, window.opens_at, window.session_id
    last = latest_session_at(db, patient_id, now)
    since = window_of(db, last, rules).closes_at if last is not None else _EPOCH
    return "between_windows", since, None


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
    answered = db.exec(
        select(JournalEntry.prompt_id).where(
            JournalEntry.patient_id == patient_id,
            col(JournalEntry.prompt_id).is_not(None),
            col(JournalEntry.written_at) >= since,
            col(JournalEntry.deleted_at).is_(None),
        )
    ).all()
    used = {pid for pid, _, _ in servings} | {pid for pid in answered if pid is not None}

    assigned = db.exec(
        select(Prompt)
        .join(PromptAssignment, col(PromptAssignment.prompt_id) == Prompt.id)
        .where(PromptAssignment.patient_id == patient_id)
        .order_by(col(PromptAssignment.assigned_at), col(PromptAssignment.id))
    ).all()
    for prompt in assigned:
        if prompt.id not in used and (technique is None or prompt.technique == technique):
            return _serve(db, prompt, patient_id, session_id, phase, now, assigned=True)

    library = [
        p
        for p in db.exec(
            select(Prompt).where(col(Prompt.patient_id).is_(None)).order_by(col(Prompt.slug))
        ).all()
        if phase in p.phases and (technique is None or p.technique == technique)
    ]
    unused = [p for p in library if p.id not in used]
    if not unused:
        if technique is not None or not library:
            raise NoPromptAvailable()
        last_served = {pid: at for pid, at, _ in servings}
        unused = sorted(library, key=lambda p: last_served.get(p.id, _EPOCH))[:1]
    last_by_technique = {t: at for _, at, t in servings}
    previous = servings[-1][2] if servings else None
    techniques = sorted(
        {p.technique for p in unused},
        key=lambda t: (t == previous, last_by_technique.get(t, _EPOCH), t),
    )
    prompt = next(p for p in unused if p.technique == techniques[0])
    return _serve(db, prompt, patient_id, session_id, phase, now, assigned=False)


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
