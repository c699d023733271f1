"""The accounts domain's problems."""

from app.core.errors import AppError, Conflict, Forbidden, NotFound


class InvitationNotNeeded(
    Conflict,
    code="invitation_not_needed",
    title="This account has set its password; it has no use for an invitation",
): ...


class PatientNotFound(NotFound, code="patient_not_found", title="No such patient"): ...


class MfaEnrolmentRequired(Forbidden):
    code = "mfa_enrolment_required"
    title = "This clinic requires staff to enrol a second factor first"
    detail_text = "Enrol with POST /v1/me/mfa/totp, then sign in again."


class MfaSignInRequired(Forbidden):
    code = "mfa_sign_in_required"
    title = "This sign-in passed no second factor: sign in again with a code"


class InvitationNotFound(NotFound, code="invitation_not_found", title="No such invitation"): ...


class InvitationGone(
    AppError,
    status=410,
    code="invitation_gone",
    title="This invitation was already used, replaced or has expired",
): ...


class DisplayNameUnsafe(
    AppError,
    status=422,
    code="display_name_unsafe",
    title="Display names may not hold invisible, direction or control characters",
): ...


class DisplayNameMixedScript(
    AppError,
    status=422,
    code="display_name_mixed_script",
    title="Display names may not mix alphabets (such as Latin and Cyrillic)",
): ...


class WeakPassword(
    AppError,
    status=422,
    code="password_too_weak",
    title="This password is too common or too easy to guess",
): ...


class PasswordUnchanged(
    AppError,
    status=422,
    code="password_unchanged",
    title="The new password must differ from the current one",
): ...


class EmailTaken(Conflict, code="email_taken", title="An account with this email exists"): ...


class DisplayNameTaken(
    Conflict, code="display_name_taken", title="Another staff account has this display name"
): ...


class UserNotFound(NotFound, code="user_not_found", title="No such user"): ...


class DisplayNameReserved(
    Conflict,
    code="display_name_reserved",
    title="Another account gave up this display name recently; it stays theirs for 90 days",
): ...


class SignInNotFound(NotFound, code="session_not_found", title="No such sign-in"): ...
