"""The security log: sign-in failures, lockouts, token reuse, MFA failures, refusals.

Each event names the account (when known) and the address; never a password,
token or code.
"""

import uuid

import structlog

_log = structlog.get_logger("kap_journal.security")


def security_event(
    event: str, *, user_id: uuid.UUID | None, address: str | None, **fields: str | int | None
) -> None:
    _log.warning(event, user_id=str(user_id) if user_id else None, address=address, **fields)
