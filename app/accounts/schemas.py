"""Request and response models for accounts and sign-in."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from app.accounts.models import Role
from app.core import examples as ex
from app.core.errors import Problem
from app.core.fields import NoNulStr, TimeZone, TimeZoneName
from app.core.i18n import Locale
from app.core.patch import MergePatch

Password = Annotated[NoNulStr, Field(min_length=10, max_length=128)]
DisplayName = Annotated[NoNulStr, Field(min_length=1, max_length=120)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserCreate(_In):
    """No password: the person sets their own with the invitation in the answer."""

    model_config = ex.examples(
        {
            "email": "sam@clinic.example.org",
            "role": "patient",
            "display_name": "Sam",
            "timezone": "America/Chicago",
        }
    )

    email: EmailStr
    role: Role
    display_name: DisplayName
    timezone: TimeZoneName = TimeZone("UTC")
    locale: Locale | None = None


class UserUpdate(_In, MergePatch):
    model_config = ex.examples({"display_name": "Sam R.", "is_active": True})

    display_name: DisplayName | None = None
    timezone: TimeZoneName | None = None
    is_active: StrictBool | None = None
    locale: Locale | None = None


_ACCOUNT = {
    "id": ex.PATIENT,
    "email": "sam@clinic.example.org",
    "role": "patient",
    "display_name": "Sam",
    "timezone": "America/Chicago",
}


class _Account(BaseModel):
    """What every view of an account shows."""

    id: uuid.UUID
    email: str
    role: Role
    display_name: str
    timezone: str


class UserPublic(_Account):
    model_config = ex.examples(
        _ACCOUNT | {"is_active": True, "created_at": "2026-11-01T09:00:00Z"},
        from_attributes=True,
    )

    is_active: bool
    created_at: datetime
    locale: str | None = None


CheckInTime = Annotated[
    str,
    Field(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="HH:MM, 24-hour, local time",
        examples=["19:30"],
    ),
]


class MePublic(_Account):
    model_config = ex.examples(
        _ACCOUNT,
        from_attributes=True,
    )

    locale: str | None = Field(
        default=None,
        description="en or es; null: the app's Accept-Language decides, else English.",
    )
    check_in_time: str | None = Field(
        default=None,
        description="HH:MM in the account's time zone: when the daily check-in falls due "
        "while a window is open; null: the clinic's default (19:00).",
    )


class MeUpdate(_In, MergePatch):
    """What a person may change about their own account (null locale: follow the phone)."""

    model_config = ex.examples(
        {"locale": "es"}, {"timezone": "America/Mexico_City"}, extra="forbid"
    )

    display_name: DisplayName | None = None
    timezone: TimeZoneName | None = None
    locale: Locale | None = None
    check_in_time: CheckInTime | None = Field(
        default=None, description="HH:MM local for the daily check-in; null: the default"
    )


class TokenPair(BaseModel):
    model_config = ex.examples(
        {
            "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            "token_type": "bearer",
            "expires_in": 900,
            "refresh_token": "r1.Yk9fQ2x1c3Rlci1vZi1yYW5kb20tYnl0ZXM",
            "device_token": "d1.bm9uY2Utb2YtdGhpcy1kZXY.1772463600.c2lnbmF0dXJl",
        },
        json_schema_serialization_defaults_required=True,
        from_attributes=True,  # from the IssuedTokens of app.accounts.auth_service
    )

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int
    refresh_token: str
    device_token: str | None = Field(
        default=None,
        description="A new sign-in's device token: keep it on the device and send it with "
        "the next sign-in (POST /v1/auth/token); null on refresh",
    )


class SignInForm(_In):
    """The OAuth2 password grant, as an application/x-www-form-urlencoded body."""

    model_config = ex.examples(
        {
            "grant_type": "password",
            "username": "sam@clinic.example.org",
            "password": "a-long-passphrase-2026",
        }
    )

    grant_type: Literal["password"] = Field(default="password", description="Always `password`")
    username: Annotated[str, Field(min_length=1, max_length=320, description="The email")]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    scope: Annotated[str, Field(max_length=200, description="Unused; scopes are roles")] = ""
    # Sent by some OAuth2 libraries; public mobile clients have no secret to check.
    client_id: Annotated[str, Field(max_length=200, description="Ignored")] = ""
    client_secret: Annotated[str, Field(max_length=200, description="Ignored")] = ""
    device_token: Annotated[
        str,
        Field(
            max_length=200,
            description="The device_token of an earlier sign-in on this device: its own "
            "attempt budget, untouched by failures from elsewhere",
        ),
    ] = ""


class RefreshRequest(_In):
    model_config = ex.examples({"refresh_token": "r1.Yk9fQ2x1c3Rlci1vZi1yYW5kb20tYnl0ZXM"})

    refresh_token: Annotated[str, Field(min_length=1, max_length=256)]


class PasswordChange(_In):
    model_config = ex.examples(
        {"current_password": "a-long-passphrase-2026", "new_password": "another-passphrase-2027"}
    )

    current_password: Annotated[str, Field(min_length=1, max_length=1024)]
    new_password: Password


class CareTeamMemberPublic(BaseModel):
    """A member of my care team: enough to tell a real colleague from a look-alike."""

    model_config = ex.examples(
        {
            "therapist_id": ex.THERAPIST,
            "role": "therapist",
            "display_name": "Dr. Rivera",
            "email_domain": "clinic.example.org",
            "joined_at": "2026-03-01T09:00:00Z",
        }
    )

    therapist_id: uuid.UUID
    role: Role
    display_name: str
    email_domain: str
    joined_at: datetime


# --- invitations, second factor and sign-ins ---
Code = Annotated[str, Field(min_length=1, max_length=32, description="6-digit TOTP or recovery")]


class InvitationPublic(BaseModel):
    """A one-time invitation. `email`: sent to `sent_to`, the token never shown here;
    `response` (development only): give `token` to the person, shown only once."""

    model_config = ex.examples(
        {
            "delivery": "email",
            "sent_to": "sam@clinic.example.org",
            "token": None,
            "expires_at": "2026-03-05T15:00:00Z",
        }
    )

    delivery: Literal["email", "response"]
    sent_to: str | None = None
    token: str | None = None
    expires_at: datetime


class UserCreatedPublic(UserPublic):
    model_config = ex.examples(
        ex.example_of(UserPublic)
        | {
            "invitation": {
                "delivery": "email",
                "sent_to": "sam@clinic.example.org",
                "token": None,
                "expires_at": "2026-11-04T09:00:00Z",
            }
        },
        from_attributes=True,
    )

    invitation: InvitationPublic


class InvitationAccept(_In):
    model_config = ex.examples(
        {"token": "q1w2e3...", "password": "a long new phrase"}, extra="forbid"
    )

    token: Annotated[str, Field(min_length=1, max_length=256)]
    password: Password


class MfaCodeIn(_In):
    model_config = ex.examples({"code": "123456"}, extra="forbid")

    code: Code


class MfaSignIn(_In):
    model_config = ex.examples({"mfa_token": "eyJ...", "code": "123456"}, extra="forbid")

    mfa_token: Annotated[str, Field(min_length=1, max_length=2048)]
    code: Code


class MfaRemove(_In):
    model_config = ex.examples({"password": "my password", "code": "123456"}, extra="forbid")

    password: Annotated[str, Field(min_length=1, max_length=1024)]
    code: Code


class TotpEnrolmentPublic(BaseModel):
    model_config = ex.examples(
        {
            "secret": "JBSWY3DPEHPK3PXP",
            "otpauth_uri": "otpauth://totp/kap-journal:a%40b.org?secret=JBSWY3DPEHPK3PXP",
            "qr_svg": "<svg ...>",
        }
    )

    secret: str
    otpauth_uri: str
    qr_svg: str = Field(description="The otpauth URI as a QR code, an SVG document")


class RecoveryCodesPublic(BaseModel):
    model_config = ex.examples({"recovery_codes": ["K4F2-A9C0-1B7Q-ZP3M", "..."]})

    recovery_codes: list[str] = Field(description="Shown once; each works once")


class SignInPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": "0b0c7f43-6f4b-4a8e-9b8f-2d1c1b1a0f00",
            "created_at": "2026-03-02T15:00:00Z",
            "last_used_at": "2026-03-02T16:00:00Z",
            "user_agent": "Firefox on Linux",
            "current": True,
        }
    )

    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime | None
    user_agent: str | None
    current: bool = Field(description="Whether this is the sign-in making the request")


class SignInList(BaseModel):
    model_config = ex.examples({"items": [ex.example_of(SignInPublic)]})

    items: list[SignInPublic]


class MfaRequiredProblem(Problem):
    """The 401 of a sign-in: `mfa_required` carries the token of the password step."""

    model_config = ex.examples(
        {
            "type": "https://kap-journal.example/problems/mfa_required",
            "title": "The password was right; a code from the authenticator app is needed",
            "status": 401,
            "detail": "Enter the code from your authenticator app.",
            "instance": "/v1/auth/token",
            "code": "mfa_required",
            "mfa_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZmEifQ.c2lnbmF0dXJl",
        }
    )

    mfa_token: str | SkipJsonSchema[None] = Field(
        default=None,
        description="With `mfa_required` only (absent for wrong credentials): send it with "
        "a code to `POST /v1/auth/mfa`; it is good for one sign-in, for minutes",
    )
