"""The caller's locale: their account's, else Accept-Language, else English.

One dependency per caller kind, each built on that kind's caller dependency, so
a route that already asks for the caller authenticates once. The account's
locale comes with the sign-in check's own query (no extra statement); it is
resolved on first use, in the route's thread, and remembered for the request.
"""

import uuid
from typing import Annotated

from fastapi import Depends, Header
from sqlmodel import Session

from app.accounts.deps import CALLER_LOCALE, CurrentCaller, PatientCaller
from app.accounts.models import User
from app.core.i18n import LOCALES, negotiate

# One declaration, so the document spells the header one way (`Accept-Language`).
AcceptLanguage = Annotated[
    str | None,
    Header(
        alias="Accept-Language",
        max_length=1000,
        description="The preferred languages (RFC 9110); used when the account has no "
        "locale of its own and no `locale` parameter is given",
    ),
]


class CallerLocale:
    """Resolves to "en" or "es" on first use, then remembers it."""

    def __init__(self, user_id: uuid.UUID, accept_language: str | None) -> None:
        self.user_id = user_id
        self.accept_language = accept_language
        self._value: str | None = None

    def of(self, db: Session) -> str:
        if self._value is None:
            # The sign-in check reads the account's locale with the request's first
            # statement; starting the transaction runs it if nothing has yet.
            if CALLER_LOCALE not in db.info:
                db.connection()
            if CALLER_LOCALE in db.info:
                stored = db.info[CALLER_LOCALE]
            else:
                user = db.get(User, self.user_id)
                stored = user.locale if user is not None else None
            self._value = stored if stored in LOCALES else negotiate(self.accept_language)
        return self._value


async def _any_caller_locale(
    caller: CurrentCaller, accept_language: AcceptLanguage = None
) -> CallerLocale:
    return CallerLocale(caller.id, accept_language)


async def _patient_locale(
    caller: PatientCaller, accept_language: AcceptLanguage = None
) -> CallerLocale:
    return CallerLocale(caller.id, accept_language)


# Use the one that matches the route's caller dependency (CurrentCaller, PatientCaller).
Locale = Annotated[CallerLocale, Depends(_any_caller_locale)]
PatientLocale = Annotated[CallerLocale, Depends(_patient_locale)]
