"""What can go wrong with an entry, as problems every domain may raise or expect."""

from app.core.errors import AppError, NotFound


class EntryNotFound(NotFound, code="entry_not_found", title="No such entry"): ...


class EntryGone(
    AppError,
    status=410,
    code="entry_deleted",
    title="The entry this request created has since been deleted",
): ...
