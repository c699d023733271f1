"""Accounts, sign-in sessions, refresh tokens and care teams."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, LargeBinary, String
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class Role(StrEnum):
    admin = "admin"
    therapist = "therapist"
    patient = "patient"


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # Stored lower-cased, so the unique index makes email case-insensitive.
    email: str = Field(sa_column=Column(String(320), nullable=False, unique=True))
    display_name: str = Field(max_length=120)
    role: Role = Field(sa_column=Column(String(16), nullable=False))
    timezone: str = Field(max_length=64)
    # Empty until the person accepts their invitation and sets a password.
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    # "en" or "es"; None: the request's Accept-Language decides (app.accounts.locale).
    locale: str | None = Field(default=None, max_length=8)
    # "HH:MM" local: when the daily check-in falls due; None: the clinic's default.
    check_in_time: str | None = Field(default=None, max_length=5)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # TOTP: the secret, encrypted with the clinic's keys; enrolled once confirmed.
    totp_secret: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    totp_confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last time step accepted: a code is never accepted twice.
    totp_last_step: int | None = Field(default=None)


class SignIn(SQLModel, table=True):
    """One sign-in: the family of refresh tokens that rotate from it."""

    __tablename__ = "sign_in"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, max_length=32)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Coarse: browser or app family and platform, never the full header.
    user_agent: str | None = Field(default=None, max_length=64)
    # The factors this sign-in passed (RFC 8176 amr), space-separated: "pwd", "pwd otp",
    # "pwd recovery". A second factor enrolled later does not upgrade it.
    amr: str = Field(default="pwd", max_length=32)


class RefreshToken(SQLModel, table=True):
    __tablename__ = "refresh_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    sign_in_id: uuid.UUID = Field(foreign_key="sign_in.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CareTeamMember(SQLModel, table=True):
    __tablename__ = "care_team_member"
    __table_args__ = (Index("ix_care_team_member_therapist_id", "therapist_id"),)

    patient_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    therapist_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Invitation(SQLModel, table=True):
    """A one-time token with which a new account sets its own password."""

    __tablename__ = "invitation"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The address it was emailed to; a re-issued invitation goes there again.
    sent_to: str | None = Field(default=None, max_length=320)


class SpentMfaToken(SQLModel, table=True):
    """An MFA token that already bought a sign-in: it buys no second one."""

    __tablename__ = "spent_mfa_token"

    jti: str = Field(primary_key=True, max_length=32)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class RecoveryCode(SQLModel, table=True):
    """A one-time MFA recovery code, stored as a hash."""

    __tablename__ = "recovery_code"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DisplayNameReservation(SQLModel, table=True):
    """A staff name an active account gave up: nobody else takes it for a while."""

    __tablename__ = "display_name_reservation"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # The name's confusable skeleton (app/accounts/names.py).
    skeleton: str = Field(max_length=480, index=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    released_at: datetime = Field(sa_type=UTCDateTime)
