"""Finding, assigning and checking prompts."""

import json
import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.core.pagination import decode_cursor, encode_cursor
from app.prompts.errors import (
    AssignmentNotFound,
    PromptAlreadyAssigned,
    PromptNotFound,
    UnknownPrompt,
)
from app.prompts.library import localized
from app.prompts.models import Prompt, PromptAssignment, PromptPhase, Technique
from app.prompts.schemas import AssignmentCreate, AssignmentPublic, PromptPublic


def title_and_text(prompt: Prompt) -> tuple[str, str]:
    """A library prompt's own columns, or a custom prompt's decrypted pair."""
    if prompt.custom_sealed is None:
        return prompt.title, prompt.text
    sealed = json.loads(prompt.custom_sealed)
    return str(sealed["title"]), str(sealed["text"])


def seal_custom(title: str, text: str) -> str:
    return json.dumps({"title": title, "text": text}, ensure_ascii=False)


def prompt_public(prompt: Prompt, locale: str = "en") -> PromptPublic:
    """In the caller's locale where the library has it; custom prompts as written."""
    title, text = title_and_text(prompt)
    shown = prompt.locale
    if prompt.patient_id is None and locale != prompt.locale:
        found = localized(prompt.id, locale)
        if found is not None:
            (title, text), shown = found, locale
    return PromptPublic(
        id=prompt.id,
        technique=prompt.technique,
        phases=[PromptPhase(p) for p in prompt.phases],
        title=title,
        text=text,
        minutes=prompt.minutes,
        locale=shown,
        custom=prompt.patient_id is not None,
        retired=prompt.is_retired,
    )


def list_library(
    db: Session, *, technique: Technique | None, phase: str | None, limit: int, cursor: str | None
) -> tuple[list[Prompt], str | None]:
    stmt = select(Prompt).where(col(Prompt.patient_id).is_(None), ~col(Prompt.is_retired))
    if technique is not None:
        stmt = stmt.where(Prompt.technique == technique)
    if cursor:
        (after,) = decode_cursor(cursor, uuid.UUID)
        stmt = stmt.where(col(Prompt.id) > after)
    rows = [
        p
        for p in db.exec(stmt.order_by(col(Prompt.id))).all()
        if phase is None or phase in p.phases
    ]
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(rows[limit - 1].id)


def get_prompt(db: Session, prompt_id: uuid.UUID) -> Prompt:
    prompt = db.get(Prompt, prompt_id)
    if prompt is None:
        raise PromptNotFound()
    return prompt


def ensure_prompt_usable(db: Session, *, patient_id: uuid.UUID, prompt_id: uuid.UUID) -> None:
    """An entry may answer a library prompt or one of the patient's own custom prompts."""
    prompt = db.get(Prompt, prompt_id)
    if prompt is None or (prompt.patient_id is not None and prompt.patient_id != patient_id):
        raise UnknownPrompt()


def assign(
    db: Session,
    *,
    patient_id: uuid.UUID,
    by: uuid.UUID,
    given: AssignmentCreate,
    now: datetime,
) -> tuple[PromptAssignment, Prompt]:
    """A library prompt by id, or a new custom prompt for this patient alone."""
    therapist_id, prompt_id = by, given.prompt_id
    title, text, technique = given.title, given.text, given.technique
    if prompt_id is not None:
        prompt = db.get(Prompt, prompt_id)
        if prompt is None or prompt.patient_id not in (None, patient_id):
            raise PromptNotFound()
        # A double tap must not queue the same prompt twice.
        if db.exec(
            select(PromptAssignment.id).where(
                PromptAssignment.patient_id == patient_id, PromptAssignment.prompt_id == prompt.id
            )
        ).first():
            raise PromptAlreadyAssigned()
    else:
        if title is None or text is None or technique is None:  # the schema checks this
            raise PromptNotFound()
        prompt = Prompt(
            id=uuid.uuid4(),
            patient_id=patient_id,
            created_by=therapist_id,
            technique=technique,
            phases=["early", "integration", "between_windows"],
            title="",
            text="",
            custom_sealed=seal_custom(title, text),
            minutes=5,
            created_at=now,
            updated_at=now,
        )
        db.add(prompt)
        db.flush()
    assignment = PromptAssignment(
        patient_id=patient_id, prompt_id=prompt.id, assigned_by=therapist_id, assigned_at=now
    )
    db.add(assignment)
    db.flush()
    return assignment, prompt


def assignments_of(db: Session, patient_id: uuid.UUID) -> list[tuple[PromptAssignment, Prompt]]:
    rows = db.exec(
        select(PromptAssignment, Prompt)
        .join(Prompt, col(Prompt.id) == PromptAssignment.prompt_id)
        .where(PromptAssignment.patient_id == patient_id)
        .order_by(col(PromptAssignment.assigned_at), col(PromptAssignment.id))
    ).all()
    return [(a, p) for a, p in rows]


def assignment_public(assignment: PromptAssignment, prompt: Prompt) -> AssignmentPublic:
    return AssignmentPublic(
        id=assignment.id,
        patient_id=assignment.patient_id,
        assigned_by=assignment.assigned_by,
        assigned_at=assignment.assigned_at,
        prompt=prompt_public(prompt),
    )


def unassign(db: Session, *, patient_id: uuid.UUID, assignment_id: uuid.UUID) -> None:
    assignment = db.get(PromptAssignment, assignment_id)
    if assignment is None or assignment.patient_id != patient_id:
        raise AssignmentNotFound()
    db.delete(assignment)
    db.flush()


def answered_prompts(db: Session, prompt_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """The prompts these entries answered, in the order first answered, once each."""
    ordered = list(dict.fromkeys(prompt_ids))
    if not ordered:
        return []
    found = {p.id: p for p in db.exec(select(Prompt).where(col(Prompt.id).in_(ordered))).all()}
    out = []
    for p in (found.get(i) for i in ordered):
        if p is not None:
            title, text = title_and_text(p)
            out.append({"id": p.id, "title": title, "technique": str(p.technique), "text": text})
    return out
