"""The clinic door's own problems: a sign-in it needs, a CSRF check, a form it refuses."""

from app.clinic.i18n import N_
from app.core.errors import AppError, Forbidden

# Problems of the API a staff member can meet in the pages, their titles and details as
# the domains write them: marked here for the catalogue, translated on the error page
# and beside the fields.
PROBLEM_WORDS = [
    N_("Bad request"),
    N_("Authentication required"),
    N_("Not allowed for this account"),
    N_("Not found"),
    N_("Method not allowed"),
    N_("Not acceptable"),
    N_("Conflict"),
    N_("Request body too large"),
    N_("Unsupported media type"),
    N_("The request is not valid"),
    N_("Too many requests"),
    N_("Internal server error"),
    N_("Service temporarily unavailable"),
    N_("Error"),
    N_("Too many attempts; wait before trying again."),
    N_("An integration session cannot come before the ketamine session"),
    N_("An integration session cannot be scheduled in the past"),
    N_("Choose a time from now on."),
    N_("Choose a time after the ketamine session."),
    N_("No such integration session"),
    N_("The resource has changed"),
    N_("If-Match is required"),
]


class SignInRequired(AppError):
    """No live clinic session: the pages answer with the sign-in page."""

    status = 401
    code = "clinic_sign_in_required"
    title = N_("Sign in to continue")

    def __init__(self, *, ended: bool) -> None:
        super().__init__()
        self.ended = ended


class CsrfRejected(
    Forbidden,
    code="csrf_rejected",
    title=N_("The form expired or did not come from this site; reload the page and try again"),
): ...


class ClinicPageNotFound(AppError, status=404, code="not_found", title="Not found"):
    """Any page the caller may not see: the same page as one that does not exist."""


class FormInvalid(AppError, status=422, code="form_invalid", title=N_("The form is not valid")): ...
