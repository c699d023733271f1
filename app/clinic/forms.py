"""Reading the clinic's forms: the API's own schemas decide what is valid, and a refusal
names each field with a message to show beside it."""

import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, ValidationError

from app.clinic.auth import ClinicUser
from app.clinic.errors import FormInvalid
from app.clinic.i18n import N_, _
from app.clinic.web import PREFIX

M = TypeVar("M", bound=BaseModel)


# What to say beside a field the API's schema refused, in words a person reads.
FIELD_MESSAGES = {
    "outcome": N_("Choose an outcome: what you did about this flag."),
    "scheduled_at": N_("Enter a date and time."),
    "note": N_("The note is too long."),
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Each refused field with a message for beside it."""
    out: dict[str, str] = {}
    for e in exc.errors():
        name = str(e["loc"][-1]) if e["loc"] else "form"
        known = FIELD_MESSAGES.get(name)
        out.setdefault(name, _(known) if known else str(e["msg"]).rstrip(".") + ".")
    return out


def checked(model: type[M], data: dict[str, Any]) -> M:
    """The API's own schema decides what is valid: no second copy of its rules."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = field_errors(exc)
        detail = _("Check these fields: %(fields)s.") % {"fields": ", ".join(sorted(fields))}
        raise FormInvalid(detail, extra={"fields": fields}) from exc


def local_time(value: str, tz: str) -> datetime | str:
    """A datetime-local field, read in the therapist's time zone."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        return value  # the schema reports it
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def patient_url(patient_id: uuid.UUID, anchor: str = "") -> str:
    return f"{PREFIX}/patients/{patient_id}" + (f"#{anchor}" if anchor else "")


# The clinic's forms and page queries, as read from the request (lengths capped);
# the API's schemas then decide what is valid (checked() above).


class AcknowledgeForm(BaseModel):
    outcome: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=6000)


class MoveForm(BaseModel):
    scheduled_at: str = Field(default="", max_length=64)

    def local(self, user: ClinicUser) -> dict[str, Any]:
        """The fields for the API's schema, the time read in the user's time zone."""
        return self.model_dump() | {"scheduled_at": local_time(self.scheduled_at, user.timezone)}


class ScheduleForm(MoveForm):
    session_id: str = Field(default="", max_length=64)


class PromptForm(BaseModel):
    """A library prompt (`kind` library) or a custom one; empty fields are unset."""

    kind: str = Field(default="library", max_length=16)
    prompt_id: str = Field(default="", max_length=64)
    title: str = Field(default="", max_length=200)
    text: str = Field(default="", max_length=3000)
    technique: str = Field(default="", max_length=64)

    def fields(self) -> dict[str, Any]:
        named = ("prompt_id",) if self.kind == "library" else ("title", "text", "technique")
        return {name: getattr(self, name) or None for name in named}


class AccountForm(BaseModel):
    email: str = Field(default="", max_length=320)
    display_name: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=16)
    timezone: str = Field(default="UTC", max_length=64)


class QueueView(BaseModel):
    show: str = Field(default="all", max_length=16)
    sort: str = Field(default="attention", max_length=16)


class CaseloadView(BaseModel):
    q: str = Field(default="", max_length=100)
    sort: str = Field(default="name", max_length=16)


class CareTeamForm(BaseModel):
    patient_id: uuid.UUID
    therapist_id: uuid.UUID
