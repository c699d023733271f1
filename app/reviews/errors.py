"""The reviews domain's problems."""

from app.core.errors import NotFound


class EntryNotReviewable(NotFound, code="entry_not_found", title="No such entry"):
    """Deleted or made private while the therapist was reading it: as if it never was."""
