"""Reusable field types for request schemas."""

from datetime import UTC, datetime
from enum import StrEnum
from importlib import resources
from typing import Annotated

from fastapi import Header
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
)

from app.core.errors import AppError


def _integral(value: object) -> object:
    # JSON Schema counts 4.0 as an integer, and so do some serializers (Swift's Double).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A whole number as JSON Schema reads one: 4 and 4.0, never 4.5 or "4".
WholeNumber = BeforeValidator(_integral)


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it the same way on both databases.
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    # A lone surrogate (JSON "\ud800") cannot be encoded, encrypted or stored: 422, not 500.
    # Encoding finds one at C speed, faster than a scan in Python.
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


# The IANA names the server takes: the tzdata package's list (a dependency, so the
# document and the check agree on every machine), stated as the TimeZone enum.
TIME_ZONES: tuple[str, ...] = tuple(
    sorted(resources.files("tzdata").joinpath("zones").read_text().split())
)
TimeZone = StrEnum("TimeZone", {name: name for name in TIME_ZONES})  # type: ignore[misc]
TimeZone.__doc__ = "An IANA time zone name (the tzdata package's list)"


def _plain(value: StrEnum) -> str:
    # Stored and compared as the name it is, not as an enum member.
    return str(value.value)


TimeZoneName = Annotated[TimeZone, AfterValidator(_plain), PlainSerializer(str, return_type=str)]
# The pattern tells clients (and the fuzzer) what the validator refuses.
NoNulStr = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$"), AfterValidator(_no_nul)]
# A map's keys: the same check, no pattern (a key pattern becomes patternProperties,
# which generated clients do not read; they need additionalProperties).
NoNulKey = Annotated[str, AfterValidator(_no_nul)]


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)
RANGE_TEXT = (
    "Between 2000-01-01 and 2099-12-31 (UTC, judged by the server's clock); other years "
    "answer 409 time_out_of_range"
)


class TimeOutOfRange(
    AppError,
    status=409,
    code="time_out_of_range",
    title="The time must lie between the years 2000 and 2099",
):
    # A rule of the server's clock and calendar, not of the request's shape: a 409.
    def __init__(self) -> None:
        super().__init__(
            "The time is judged against the server's clock (UTC): it must lie between "
            "2000-01-01 and 2099-12-31"
        )


def _in_range(value: datetime) -> datetime:
    # Far-off years would overflow date arithmetic (a window is 48 h long). Raised as
    # a problem of its own: the range is a rule of the API, stated in the description,
    # that JSON Schema cannot express for date-time strings.
    try:
        ok = EARLIEST <= value.astimezone(UTC) < _LATEST
    except OverflowError:
        ok = False
    if not ok:
        raise TimeOutOfRange()
    return value


def utc_saturated(value: datetime) -> datetime:
    """The time in UTC, or the nearest representable one for times at year 1 or 9999."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        if value.year > 5000:
            return datetime.max.replace(tzinfo=UTC)
        return datetime.min.replace(tzinfo=UTC)


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _not_a_number(value: object) -> object:
    # Pydantic reads a number as Unix seconds; the schema says an RFC 3339 string.
    if isinstance(value, int | float):
        raise ValueError("a date-time string with an offset, not a number")
    return value


# An input time with an offset, kept as sent (the phone's offset matters). Any year
# is taken: one far ahead of the server or before 2000 is clamped (see entries.service).
WrittenAt = Annotated[
    AwareDatetime,
    BeforeValidator(_not_a_number),
    Field(
        description="With an offset. More than 5 minutes ahead of the server, or before "
        "2000: the server's time of receipt is used instead (written_at_adjusted)"
    ),
]
# An input time with an offset; stored and answered in UTC.
AwareUTC = Annotated[
    AwareDatetime,
    BeforeValidator(_not_a_number),
    AfterValidator(_in_range),
    AfterValidator(_to_utc),
    Field(description=RANGE_TEXT),
]


# The header that makes a create safe to retry (entries, questionnaire answers).
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$"),
]
