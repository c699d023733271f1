"""The clinic door's own problems: a sign-in it needs, a CSRF check, a form it refuses."""

from app.core.errors import AppError, Forbidden


class SignInRequired(AppError):
    """No live clinic session: the pages answer with the sign-in page."""

    status = 401
    code = "clinic_sign_in_required"
    title = "Sign in to continue"

    def __init__(self, *, ended: bool) -> None:
        super().__init__()
        self.ended = ended


class CsrfRejected(
    Forbidden,
    code="csrf_rejected",
    title="The form expired or did not come from this site; reload the page and try again",
): ...


class ClinicPageNotFound(AppError, status=404, code="not_found", title="Not found"):
    """Any page the caller may not see: the same page as one that does not exist."""


class FormInvalid(AppError, status=422, code="form_invalid", title="The form is not valid"): ...
