"""What can go wrong with a prompt or its assignment, each with its stable code."""

from app.core.errors import AppError, Conflict, NotFound


class PromptNotFound(NotFound, code="prompt_not_found", title="No such prompt"): ...


class AssignmentNotFound(
    NotFound, code="assignment_not_found", title="No such prompt assignment"
): ...


class PromptAlreadyAssigned(
    Conflict,
    code="prompt_already_assigned",
    title="This prompt is already assigned to this patient",
): ...


class UnknownPrompt(
    AppError,
    status=409,
    code="unknown_prompt",
    title="The entry names a prompt this patient cannot use",
): ...


class NoPromptAvailable(
    NotFound, code="no_prompt_available", title="No unused prompt of this technique fits right now"
): ...
