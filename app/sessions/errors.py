"""The sessions domain's problems."""

from app.core.errors import AppError, Conflict, Forbidden, NotFound


class SelfReportDisabled(
    Forbidden,
    code="self_report_disabled",
    title="This clinic does not allow patients to record their own sessions",
): ...


class SessionNotFound(NotFound, code="session_not_found", title="No such session"): ...


class SessionTimeTaken(
    Conflict, code="session_time_taken", title="The patient already has a session at this time"
): ...


class SessionInFuture(
    AppError,
    status=409,
    code="session_in_future",
    title="A session cannot start more than 5 minutes in the future",
):
    # Depends on the server's clock, not on the request's shape: a 409.
    def __init__(self) -> None:
        super().__init__(
            "The time is judged against the server's clock: a session may start at most "
            "5 minutes after the server's current time"
        )
