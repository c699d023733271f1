"""What can go wrong with a safety flag or the safety plan, each with its stable code."""

from app.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)


class FlagNotFound(NotFound, code="safety_flag_not_found", title="No such safety flag"): ...


class UnacknowledgedFlags(
    Conflict,
    code="unacknowledged_safety_flags",
    title="The patient has safety flags nobody has acknowledged yet",
): ...


class FlagAlreadyAcknowledged(
    Conflict,
    code="safety_flag_already_acknowledged",
    title="This safety flag was already acknowledged",
): ...


class PlanNotFound(NotFound, code="safety_plan_not_found", title="No safety plan yet"): ...


class PlanIfMatchRequired(
    PreconditionRequired,
    code="precondition_required",
    title="If-Match is required to change an existing safety plan",
): ...


class PlanVersionMismatch(
    PreconditionFailed, code="precondition_failed", title="The safety plan has changed"
): ...


class NotOnCall(
    Forbidden, code="not_on_call", title="Only the care team and the on-call staff see safety flags"
): ...
