"""What can go wrong with a device or the notification feed, each with its stable code."""

from app.core.errors import Conflict, NotFound


class DeviceNotFound(NotFound, code="device_not_found", title="No such device"): ...


class TokenRegistrationBusy(
    Conflict, code="device_registration_busy", title="This token is being registered; retry"
): ...
