"""RFC 9457 problem details: one AppError hierarchy and the handlers."""

from typing import Any, ClassVar

from pydantic import BaseModel, Field

from app.core import examples as ex


class AppError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init_subclass__(
        cls, *, code: str = "", title: str = "", status: int = 0, **kw: Any
    ) -> None:
        """A problem is declared in one line: `class X(NotFound, code=..., title=...): ...`."""
        super().__init_subclass__(**kw)
        cls.code = code or cls.code
        cls.title = title or cls.title
        cls.status = status or cls.status

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extra = extra or {}


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.headers.setdefault("WWW-Authenticate", "Bearer")


class InvalidCredentials(
    Unauthorized, code="invalid_credentials", title="Email or password is wrong"
): ...


class InvalidToken(
    Unauthorized, code="invalid_token", title="The token is invalid or has expired"
): ...


class Forbidden(AppError, status=403, code="forbidden", title="Not allowed for this account"): ...


class NotFound(AppError, status=404, code="not_found", title="Not found"): ...


class Conflict(AppError, status=409, code="conflict", title="Conflict"): ...


class IdempotencyConflict(
    Conflict,
    code="idempotency_conflict",
    title="This id or Idempotency-Key was already used with a different body",
):
    """A retry that is not a retry: any creating POST's id or key, reused with another body."""


class PreconditionFailed(
    AppError, status=412, code="precondition_failed", title="The resource has changed"
): ...


class PreconditionRequired(
    AppError, status=428, code="precondition_required", title="If-Match is required"
): ...


class TooManyRequests(AppError):
    status = 429
    code = "too_many_requests"
    title = "Too many requests"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(AppError):
    status = 503
    code = "service_unavailable"
    title = "Service temporarily unavailable"

    def __init__(self, detail: str | None = None, retry_after: int = 2) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class FieldError(BaseModel):
    """One invalid field of a 422."""

    loc: list[str] = Field(
        description="Where the field is: `body`, `query`, `header` or `path`, then its "
        "name; list indexes are given as decimal strings"
    )
    msg: str = Field(description="What is wrong, in English")
    type: str = Field(description="The machine-readable kind of error, e.g. `missing`")

    model_config = ex.examples(
        {
            "loc": ["body", "mood"],
            "msg": "Input should be less than or equal to 10",
            "type": "less_than_equal",
        }
    )


class Problem(BaseModel):
    """application/problem+json (RFC 9457) with a stable machine-readable code."""

    type: str = Field(description="A URI naming the kind of problem; ends with the code")
    title: str = Field(description="A short summary of the kind of problem")
    status: int = Field(description="The HTTP status code")
    detail: str = Field(description="What happened in this case")
    instance: str = Field(description="The path of the request")
    code: str = Field(
        description="Stable machine-readable code; the OpenAPI document lists every one"
    )
    errors: list[FieldError] | None = Field(
        default=None, description="Only on 422: the first 20 errors, their parts cut short"
    )
    error_count: int | None = Field(
        default=None, description="Only with `errors`: how many errors the request had in all"
    )
    flag_ids: list[str] | None = Field(
        default=None,
        description="Only with `unacknowledged_safety_flags`: the open flags to "
        "acknowledge first, oldest first",
    )

    model_config = ex.examples(
        {
            "type": "https://kap-journal.example/problems/entry_not_found",
            "title": "No such entry",
            "status": 404,
            "detail": "No such entry",
            "instance": "/v1/entries/0b9e6a43-5a44-4a8e-9b4e-2f1d2a7c9d10",
            "code": "entry_not_found",
        }
    )


_STATUS_TITLES = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Not allowed for this account"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload_too_large", "Request body too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("validation_failed", "The request is not valid"),
    429: ("too_many_requests", "Too many requests"),
    500: ("internal_error", "Internal server error"),
    503: ("service_unavailable", "Service temporarily unavailable"),
}


# Codes answered by the handlers rather than by an AppError subclass.
HANDLER_CODES = (
    "malformed_body",
    "malformed_json",
    "validation_failed",
    "database_unavailable",
    "internal_error",
    "http_error",
)


def status_code_and_title(status: int) -> tuple[str, str]:
    return _STATUS_TITLES.get(status, ("http_error", "Error"))


# What each status means in this API, for the OpenAPI descriptions.
STATUS_DESCRIPTIONS = {
    400: "The body is not parsable JSON or form data",
    401: "No valid access token, or wrong credentials; see `WWW-Authenticate`",
    403: "Signed in, but this role may not use this route",
    404: "No such resource, or one the caller may not see (the two are answered alike)",
    405: "The path exists but not with this method",
    409: "Conflicts with the stored state or the server's clock (e.g. an id or "
    "Idempotency-Key reused with another body, a taken time or email, a time outside "
    "2000-2099 or a session in the future)",
    410: "Gone: the entry this replayed request created has since been deleted, or the "
    "page a cursor or sync token points to cannot be found (`invalid_cursor`); start "
    "the list again from its first page",
    412: "`If-Match` names a version that is no longer current; read the entry again",
    413: "The request body exceeds the size limit",
    415: "The request body has a media type this route does not take",
    422: "The request is well-formed but not valid; `errors` lists the fields",
    428: "`If-Match` is required: send the `ETag` of the version being changed",
    429: "Too many requests; retry after `Retry-After` seconds",
    500: "An unexpected error; the request id is logged with its cause",
    503: "The database is briefly unavailable; retry after `Retry-After` seconds",
}


def all_problem_codes() -> list[str]:
    """Every `code` the app can answer: each AppError subclass, walked at call time
    (so subclasses added anywhere are included), the status fallbacks and the handlers'."""
    codes = {AppError.code, *HANDLER_CODES}
    codes.update(code for code, _ in _STATUS_TITLES.values())
    todo = list(AppError.__subclasses__())
    while todo:
        cls = todo.pop()
        codes.add(cls.code)
        todo.extend(cls.__subclasses__())
    return sorted(codes)


def problem_responses(
    *statuses: int, models: dict[int, type[Problem]] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problems as application/problem+json;
    `models` names a Problem subclass for a status whose problem carries more members."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {
            "description": STATUS_DESCRIPTIONS.get(status, status_code_and_title(status)[1]),
            "model": (models or {}).get(status, Problem),
            "content": {"application/problem+json": {}},
        }
    return out
