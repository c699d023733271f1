"""The current time, as a dependency tests can override."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends

# A client time (written_at, answered_at) further ahead of the server than this is
# clamped to the time the server received it.
CLOCK_SKEW = timedelta(minutes=5)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Cheap dependencies are async: a sync one costs a thread-pool hop per request.
async def get_now() -> datetime:
    return utcnow()


Now = Annotated[datetime, Depends(get_now)]
