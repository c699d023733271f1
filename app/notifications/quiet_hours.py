"""Quiet hours (22:00-08:00) in the patient's own time zone, DST-correct."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_FROM = time(22, 0)
QUIET_UNTIL = time(8, 0)


def outside_quiet_hours(due_at: datetime, timezone: str) -> datetime:
    """`due_at`, or 08:00 local on the morning after if it falls in quiet hours."""
    zone = ZoneInfo(timezone)
    local = due_at.astimezone(zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return due_at
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    # Built from the wall clock, so a DST change overnight still gives 08:00 local.
    return datetime.combine(day, QUIET_UNTIL, tzinfo=zone).astimezone(due_at.tzinfo)
