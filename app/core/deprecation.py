"""Deprecated routes say so in every answer: `Deprecation` (RFC 9745, the date it was
deprecated) and `Sunset` (RFC 8594, the date after which it may be gone). The support
window is at least 12 months (docs/api.md)."""

from datetime import UTC, datetime
from email.utils import format_datetime

# v1.2: the routes it renamed keep working until v1.2 is a year old.
DEPRECATED_ON = datetime(2026, 12, 7, tzinfo=UTC)
SUNSET_ON = datetime(2027, 12, 31, tzinfo=UTC)


def deprecation_headers(deprecated_on: datetime, sunset_on: datetime) -> dict[str, str]:
    return {
        "Deprecation": f"@{int(deprecated_on.timestamp())}",
        "Sunset": format_datetime(sunset_on, usegmt=True),
    }
