"""Reusable field types for request schemas."""

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, StringConstraints


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


def _iana_zone(value: str) -> str:
    _no_nul(value)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("not an IANA time zone name") from exc
    return value


TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_iana_zone)]
NoNulStr = Annotated[str, AfterValidator(_no_nul)]


_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _in_range(value: datetime) -> datetime:
    # Far-off years would overflow date arithmetic (a window is 48 h long).
    try:
        ok = _EARLIEST <= value.astimezone(UTC) < _LATEST
    except OverflowError:
        ok = False
    if not ok:
        raise ValueError("time must lie between the years 2000 and 2099")
    return value


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# An input time with an offset, kept as sent (the phone's offset matters).
OffsetTime = Annotated[AwareDatetime, AfterValidator(_in_range)]
# An input time with an offset; stored and answered in UTC.
AwareUTC = Annotated[AwareDatetime, AfterValidator(_in_range), AfterValidator(_to_utc)]
