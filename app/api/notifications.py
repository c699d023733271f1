"""Push tokens and the in-app notification feed."""

import uuid

from fastapi import status

from app.accounts.deps import CurrentCaller
from app.core.clock import Now
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.core.pagination import Cursor, Limit, Page
from app.core.routing import api_router
from app.notifications import inbox as service
from app.notifications.schemas import DeviceCreate, DevicePublic, NotificationPublic

router = api_router(prefix="/v1/me", tags=["notifications"])


@router.post(
    "/devices", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 409, 422)
)
def register_device(body: DeviceCreate, caller: CurrentCaller, db: DbDep, now: Now) -> DevicePublic:
    """Register a push token for this account; a token belongs to one account at a time,
    so registering one another account holds moves it here."""
    device = service.register_device(
        db, user_id=caller.id, platform=body.platform, token=body.token, now=now
    )
    return DevicePublic(id=device.id, platform=device.platform, created_at=device.created_at)


@router.delete(
    "/devices/{device_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404, 422),
)
def drop_device(device_id: uuid.UUID, caller: CurrentCaller, db: DbDep) -> None:
    """Forget a push token."""
    service.drop_device(db, user_id=caller.id, device_id=device_id)


@router.get("/notifications", responses=problem_responses(401, 410, 422))
def list_notifications(
    caller: CurrentCaller, db: DbDep, now: Now, limit: Limit = 50, cursor: Cursor = None
) -> Page[NotificationPublic]:
    """My notifications, newest first."""
    rows, next_cursor = service.feed(db, user_id=caller.id, now=now, limit=limit, cursor=cursor)
    return Page(items=[service.notification_public(n) for n in rows], next_cursor=next_cursor)
