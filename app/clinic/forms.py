"""Reading the clinic's forms: the API's own schemas decide what is valid, and a refusal
names each field with a message to show beside it."""

import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

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
