"""The clinic's own words in the staff member's language (gettext domain "clinic").

Catalogues: app/locale/<locale>/LC_MESSAGES/clinic.po, extracted from the clinic's
Python and templates (babel.cfg) and compiled to clinic.mo by `make messages`.

A request's language is decided once: the middleware starts each request with the
language of the staff member's last page (a cookie), else the best of Accept-Language,
and the sign-in check (`auth.clinic_user`) replaces it with
the account's own locale when it has one. The choice lives in a box shared by the
request's context, so the routes (run in worker threads with a copy of the context)
and the templates translate with it: `_()` in Python, `{% trans %}`/`_()` in Jinja.
Texts fixed at import (choice labels) are marked with `N_()` and translated where
they are shown.
"""

import gettext as _gettext
from contextvars import ContextVar
from datetime import datetime
from functools import cache

from starlette.types import Receive, Scope, Send

from app.core.i18n import DEFAULT_LOCALE, LOCALE_DIR, LOCALES, negotiate
from app.core.middleware import HttpMiddleware

DOMAIN = "clinic"
# The language of the last page a signed-in staff member saw: error pages (which know
# no account) and the sign-in page after a session ends keep speaking it.
LANG_COOKIE = "kapj_clinic_lang"
# The names of the languages a staff member can choose, each in itself.
LANGUAGE_CHOICES = [("en", "English"), ("es", "Español")]


class LocaleBox:
    """The request's language; set by the middleware, refined by the sign-in check."""

    def __init__(self, value: str) -> None:
        self.value = value


_current: ContextVar[LocaleBox | None] = ContextVar("clinic_locale", default=None)


@cache
def _catalogue(locale: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[locale], fallback=True)


def current() -> str:
    box = _current.get()
    return box.value if box is not None else DEFAULT_LOCALE


def choose(locale: str | None) -> None:
    """The account's language, when it has one, decides for the rest of the request."""
    box = _current.get()
    if box is not None and locale in LOCALES:
        box.value = str(locale)


def gettext(message: str) -> str:
    locale = current()
    if not message or locale == DEFAULT_LOCALE:  # gettext("") is the catalogue's header
        return message
    return _catalogue(locale).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    locale = current()
    if locale == DEFAULT_LOCALE:
        return singular if n == 1 else plural
    return _catalogue(locale).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Marks a text fixed at import for the catalogue; `_()` translates it where shown."""
    return message


# Day and month names of the pages' dates (strftime's are English whatever the locale).
_DAYS = {"es": ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]}
_MONTHS = {
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
}


def date_names(fmt: str, value: datetime) -> str:
    """The format with %a and %b spelled in the request's language."""
    locale = current()
    if locale not in _DAYS:
        return fmt
    return fmt.replace("%a", _DAYS[locale][value.weekday()]).replace(
        "%b", _MONTHS[locale][value.month - 1]
    )


def _first_guess(headers: list[tuple[bytes, bytes]]) -> str:
    """The last page's language (cookie), else the browser's (Accept-Language)."""
    found: dict[bytes, str] = {}
    for k, v in headers:
        if k in (b"cookie", b"accept-language"):
            found[k] = v.decode("latin-1")
    for part in found.get(b"cookie", "").split(";"):
        name, _sep, value = part.strip().partition("=")
        if name == LANG_COOKIE and value in LOCALES:
            return value
    return negotiate(found.get(b"accept-language"))


class ClinicLocale(HttpMiddleware):
    """Gives each request its own language box, first from Accept-Language."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _current.set(LocaleBox(_first_guess(scope["headers"])))
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)
