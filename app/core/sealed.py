"""Columns encrypted at rest, for health data kept beside a row's other fields.

Journal entries bind their ciphertext to the row id and decrypt in the service;
shorter texts that many code paths read (a session's note) use this column type
instead, so no reader can forget to decrypt. The ciphertext is bound to the
column's name. The key ring is the application's: installed when the app starts,
else built from the settings (the command line, the worker).
"""

from typing import Any

import orjson
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from app.core.crypto import KeyRing

_ring: list[KeyRing] = []


def install_keyring(keyring: KeyRing) -> None:
    _ring[:] = [keyring]


def _keyring() -> KeyRing:
    if not _ring:
        from app.core.config import get_settings

        install_keyring(KeyRing.parse(get_settings().resolved_encryption_keys()))
    return _ring[0]


class _Sealed(TypeDecorator[Any]):
    """AES-GCM on the way in, the value back on the way out; NULL stays NULL. Each
    subclass says how its value becomes text and back; the label binds a ciphertext to
    its column."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self._aad = label.encode()

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return text

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return _keyring().encrypt(self.to_text(value), aad=self._aad)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return self.from_text(_keyring().decrypt(bytes(value), aad=self._aad))


class SealedText(_Sealed):
    """Text encrypted at rest (a note)."""

    cache_ok = True  # declared per class: SQLAlchemy does not inherit it


class SealedJSON(_Sealed):
    """A JSON value encrypted as a whole (questionnaire answers)."""

    cache_ok = True  # declared per class: SQLAlchemy does not inherit it

    def to_text(self, value: Any) -> str:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()

    def from_text(self, text: str) -> Any:
        return orjson.loads(text)


class SealedFloat(_Sealed):
    """A number encrypted at rest (a dose); it cannot be compared or summed in SQL."""

    cache_ok = True  # declared per class: SQLAlchemy does not inherit it

    def to_text(self, value: Any) -> str:
        return repr(float(value))

    def from_text(self, text: str) -> float:
        return float(text)
