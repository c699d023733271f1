"""Locales and message catalogues (gettext; the English text is the message id).

Catalogues live in app/locale/<locale>/LC_MESSAGES/messages.po, compiled to .mo
with `make messages` (pybabel) and committed, so a fresh clone needs no build
step. Problem titles stay English: clients key on `code`.
"""

import gettext
from functools import cache
from pathlib import Path
from typing import Literal

Locale = Literal["en", "es"]
LOCALES: tuple[str, ...] = ("en", "es")
DEFAULT_LOCALE = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@cache
def _catalogue(locale: str) -> gettext.NullTranslations:
    return gettext.translation("messages", localedir=LOCALE_DIR, languages=[locale], fallback=True)


def translate(locale: str | None, message: str) -> str:
    """The message in `locale`; English (the id itself) when it has no translation."""
    if not locale or locale == DEFAULT_LOCALE:
        return message
    return _catalogue(locale).gettext(message)


def negotiate(accept_language: str | None) -> str:
    """The best supported locale in an Accept-Language header (RFC 9110), else English.

    Never fails: a malformed header counts as absent.
    """
    if not accept_language:
        return DEFAULT_LOCALE
    best, best_q = DEFAULT_LOCALE, 0.0
    for position, part in enumerate(accept_language[:1000].split(",")[:50]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if not 0 < q <= 1:
            continue
        # Equal weights: the earlier tag wins.
        score = q - position * 1e-6
        if primary in LOCALES and score > best_q:
            best, best_q = primary, score
    return best
