"""Request and response models for accounts and sign-in."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.accounts.models import Role
from app.core import examples as ex
from app.core.fields import NoNulStr, TimeZoneName

Password = Annotated[NoNulStr, Field(min_length=10, max_length=128)]
DisplayName = Annotated[NoNulStr, Field(min_length=1, max_length=120)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserCreate(_In):
    model_config = ex.examples(
        {
            "email": "sam@clinic.example.org",
            "password": "a-long-passphrase-2026",
            "role": "patient",
            "display_name": "Sam",
            "timezone": "America/Chicago",
        }
    )

    email: EmailStr
    password: Password
    role: Role
    display_name: DisplayName
    timezone: TimeZoneName = "UTC"


class UserUpdate(_In):
    model_config = ex.examples({"display_name": "Sam R.", "is_active": True})

    display_name: DisplayName | None = None
    timezone: TimeZoneName | None = None
    is_active: bool | None = None


class UserPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.PATIENT,
            "email": "sam@clinic.example.org",
            "role": "patient",
            "display_name": "Sam",
            "timezone": "America/Chicago",
            "is_active": True,
            "created_at": "2026-11-01T09:00:00Z",
        },
        from_attributes=True,
    )

    id: uuid.UUID
    email: str
    role: Role
    display_name: str
    timezone: str
    is_active: bool
    created_at: datetime


class MePublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.PATIENT,
            "email": "sam@clinic.example.org",
            "role": "patient",
            "display_name": "Sam",
            "timezone": "America/Chicago",
        },
        from_attributes=True,
    )

    id: uuid.UUID
    email: str
    role: Role
    display_name: str
    timezone: str


class TokenPair(BaseModel):
    model_config = ex.examples(
        {
            "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            "token_type": "bearer",
            "expires_in": 900,
            "refresh_token": "r1.Yk9fQ2x1c3Rlci1vZi1yYW5kb20tYnl0ZXM",
        },
        json_schema_serialization_defaults_required=True,
    )

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int
    refresh_token: str


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


class RefreshRequest(_In):
    model_config = ex.examples({"refresh_token": "r1.Yk9fQ2x1c3Rlci1vZi1yYW5kb20tYnl0ZXM"})

    refresh_token: Annotated[str, Field(min_length=1, max_length=256)]


class PasswordChange(_In):
    model_config = ex.examples(
        {"current_password": "a-long-passphrase-2026", "new_password": "another-passphrase-2027"}
    )

    current_password: Annotated[str, Field(min_length=1, max_length=1024)]
    new_password: Password
