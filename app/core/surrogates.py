"""Lone UTF-16 surrogates in JSON bodies: refused at the door, for every route.

JSON may spell a lone surrogate ("\\ud800"); Python decodes it into a str that
cannot be encoded as UTF-8, so it would fail wherever the text goes next
(encryption, the database, the response) with a 500, or be stored and poison
every later read. One check before any handler runs closes the whole class.
"""

import json
import re
from typing import Any

# A \\u escape in the high or low surrogate range; bodies without one skip the walk.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _bad(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def lone_surrogate_at(body: bytes) -> list[str | int] | None:
    """The location of the first text with a lone surrogate, or None."""
    if not _SURROGATE_ESCAPE.search(body):
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None  # unparsable: answered as malformed by the body parser
    stack: list[tuple[Any, list[str | int]]] = [(data, ["body"])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if _bad(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if _bad(key):
                    return [*path, "(key)"]
                stack.append((item, [*path, key]))
        elif isinstance(value, list):
            stack.extend((item, [*path, i]) for i, item in enumerate(value))
    return None
