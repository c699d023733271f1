"""The current time, as a dependency tests can override."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends


def utcnow() -> datetime:
    return datetime.now(UTC)


# Cheap dependencies are async: a sync one costs a thread-pool hop per request.
async def get_now() -> datetime:
    return utcnow()


Now = Annotated[datetime, Depends(get_now)]
