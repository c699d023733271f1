"""Reusable field types for request schemas."""

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, StringConstraints


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it the same way on both databases.
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
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


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# An input time that must carry an offset; stored and answered in UTC.
AwareUTC = Annotated[AwareDatetime, AfterValidator(_to_utc)]
