"""The accounts domain's problems."""

import uuid

from app.core.errors import AppError, Conflict, Forbidden, NotFound, Unauthorized


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


class MfaAlreadyEnrolled(
    Conflict, code="mfa_already_enrolled", title="A second factor is already enrolled"
): ...


class MfaNotStarted(
    AppError, status=409, code="mfa_not_started", title="Start the enrolment first"
): ...


class MfaNotEnrolled(
    AppError, status=409, code="mfa_not_enrolled", title="No second factor is enrolled"
): ...


class InvalidMfaCode(
    Unauthorized, code="invalid_mfa_code", title="The code is wrong, expired or already used"
):
    # Set when this wrong code reached the day's ceiling: the admins are to be told.
    ceiling_reached_by: uuid.UUID | None = None


class MfaRecoveryRequired(
    AppError,
    status=403,
    code="mfa_recovery_required",
    title="Too many wrong codes today: sign in with a recovery code",
): ...


class MfaRequired(
    Unauthorized,
    code="mfa_required",
    title="The password was right; a code from the authenticator app is needed",
): ...
