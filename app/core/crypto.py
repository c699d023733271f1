"""AES-GCM encryption of journal text, with a key id in every ciphertext."""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"
_NONCE_BYTES = 12


class DecryptionError(Exception):
    """The ciphertext was tampered with, or its key is unknown."""


@dataclass(frozen=True)
class KeyRing:
    current_kid: str
    keys: dict[str, bytes]
    # Keys the HMAC of request fingerprints (see fingerprint()).
    fingerprint_key: bytes = b""
    # One cipher object per key, built once: constructing it costs more than a short text.
    _ciphers: dict[str, AESGCM] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ciphers", {kid: AESGCM(k) for kid, k in self.keys.items()})

    @classmethod
    def parse(cls, spec: str) -> "KeyRing":
        """`kid:base64key[,kid:base64key...]`; the first key encrypts, all decrypt."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for part in spec.split(","):
            kid, sep, b64 = part.strip().partition(":")
            if not sep or not kid or len(kid) > 32:
                raise ValueError("encryption keys must look like kid:base64key")
            key = base64.b64decode(b64, validate=True)
            if len(key) != 32:
                raise ValueError(f"encryption key {kid!r} must be 32 bytes")
            keys[kid] = key
            order.append(kid)
        if not order:
            raise ValueError("no encryption key given")
        return cls(current_kid=order[0], keys=keys)

    def fingerprint(self, digest: str) -> str:
        """HMAC-SHA256 of a plain SHA-256 hex digest: without the key, a database
        dump can't be used to test guesses of short texts against it."""
        return hmac.new(self.fingerprint_key, digest.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, plaintext: str, *, aad: bytes) -> bytes:
        """version | kid length | kid | nonce | ciphertext+tag, bound to `aad`."""
        kid = self.current_kid.encode()
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self.current_kid].encrypt(nonce, plaintext.encode(), aad)
        return _VERSION + bytes([len(kid)]) + kid + nonce + sealed

    def decrypt(self, blob: bytes, *, aad: bytes) -> str:
        try:
            if blob[:1] != _VERSION:
                raise DecryptionError("unknown ciphertext version")
            kid_len = blob[1]
            kid = blob[2 : 2 + kid_len].decode()
            start = 2 + kid_len
            nonce = blob[start : start + _NONCE_BYTES]
            cipher = self._ciphers.get(kid)
            if cipher is None:
                raise DecryptionError(f"unknown key id {kid!r}")
            return cipher.decrypt(nonce, blob[start + _NONCE_BYTES :], aad).decode()
        except (InvalidTag, IndexError, UnicodeDecodeError) as exc:
            raise DecryptionError("ciphertext failed authentication") from exc
