"""Request and response models for accounts and sign-in."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.accounts.models import Role
from app.core.fields import NoNulStr, TimeZoneName
from app.core.i18n import Locale

Password = Annotated[NoNulStr, Field(min_length=10, max_length=128)]
DisplayName = Annotated[NoNulStr, Field(min_length=1, max_length=120)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserCreate(_In):
    email: EmailStr
    password: Password
    role: Role
    display_name: DisplayName
    timezone: TimeZoneName = "UTC"
    locale: Locale | None = None


class UserUpdate(_In):
    display_name: DisplayName | None = None
    timezone: TimeZoneName | None = None
    is_active: bool | None = None
    locale: Locale | None = None


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    role: Role
    display_name: str
    timezone: str
    is_active: bool
    created_at: datetime
    locale: str | None = None


class MePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    role: Role
    display_name: str
    timezone: str
    locale: str | None = Field(
        default=None,
        description="en or es; null: the app's Accept-Language decides, else English.",
    )


class MeUpdate(_In):
    """What a person may change about their own account (null locale: follow the phone)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"locale": "es"}, {"timezone": "America/Mexico_City"}]},
    )

    display_name: DisplayName | None = None
    timezone: TimeZoneName | None = None
    locale: Locale | None = None


class TokenPair(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int
    refresh_token: str


class RefreshRequest(_In):
    refresh_token: Annotated[str, Field(min_length=1, max_length=256)]


class PasswordChange(_In):
    current_password: Annotated[str, Field(min_length=1, max_length=1024)]
    new_password: Password
