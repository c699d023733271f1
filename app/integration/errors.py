"""What can go wrong with an integration session, each with its stable code."""

from app.core.errors import AppError, NotFound


class IntegrationSessionNotFound(
    NotFound, code="integration_session_not_found", title="No such integration session"
): ...


class IntegrationBeforeDose(
    AppError,
    status=422,
    code="integration_session_before_dose",
    title="An integration session cannot come before the ketamine session",
): ...


class IntegrationInPast(
    AppError,
    status=422,
    code="integration_session_in_past",
    title="An integration session cannot be scheduled in the past",
): ...
