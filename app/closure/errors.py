"""What can go wrong closing an account or holding it, each with its stable code."""

from app.core.errors import Conflict, NotFound


class NoLegalHold(NotFound, code="legal_hold_not_found", title="No legal hold on this patient"): ...


class LegalHoldExists(Conflict, code="legal_hold_exists", title="A legal hold is in place"): ...
