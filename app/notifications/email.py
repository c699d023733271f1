"""Invitation emails: queued in the outbox with the token sealed, sent by the worker
over SMTP (the standard library's smtplib). Only the invitee's address sees the token."""

import base64
import smtplib
import ssl
import uuid
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from app.core.crypto import DecryptionError, KeyRing
from app.notifications.senders import DeviceResult, Message, Sender, SendError

INVITATION_EMAIL = "invitation_email"
# Kinds the worker sends by email; they never appear in a person's feed.
EMAIL_KINDS = frozenset({INVITATION_EMAIL})


def _aad(user_id: str) -> bytes:
    return f"invitation_email:{user_id}".encode()


def seal_token(keyring: KeyRing, *, user_id: uuid.UUID, token: str) -> str:
    """The invitation token as it waits in the outbox: encrypted, bound to its account."""
    return base64.b64encode(keyring.encrypt(token, aad=_aad(str(user_id)))).decode()


def open_token(keyring: KeyRing, message: Message) -> str:
    try:
        return keyring.decrypt(base64.b64decode(message.data["token"]), aad=_aad(message.user_id))
    except (KeyError, ValueError, DecryptionError) as exc:
        raise SendError("invitation token unreadable") from exc


def invitation_text(*, token: str, expires_at: str, public_url: str | None) -> str:
    where = f"{public_url.rstrip('/')}/clinic/invitation" if public_url else "the clinic's app"
    return (
        "You have been invited to kap-journal.\n\n"
        f"Set your own password at {where} with this one-time invitation token:\n\n"
        f"    {token}\n\n"
        f"It works once and expires at {expires_at} (UTC).\n"
        "If you did not expect this, ignore this email: nothing happens without the token.\n"
    )


class SmtpSender:
    """smtp://[user:pass@]host[:port] (STARTTLS when asked) or smtps://host[:port]."""

    def __init__(
        self,
        url: str,
        sender: str,
        keyring: KeyRing,
        *,
        starttls: bool = False,
        timeout: float = 10,
        public_url: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        self.tls = parts.scheme.lower() == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender, self.keyring = sender, keyring
        self.starttls, self.timeout, self.public_url = starttls, timeout, public_url

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            smtp.starttls(context=context)
        return smtp

    def send(self, message: Message) -> None:
        to = str(message.data.get("to") or "")
        if "@" not in to:
            raise SendError("no address")
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, to, message.title
        mail.set_content(
            invitation_text(
                token=open_token(self.keyring, message),
                expires_at=str(message.data.get("expires_at", "")),
                public_url=self.public_url,
            )
        )
        try:
            with self._connect() as smtp:
                if self.user and self.password:
                    smtp.login(self.user, self.password)
                smtp.send_message(mail)
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(type(exc).__name__) from exc


class KindRouter:
    """Email kinds to the mail sender, everything else to the usual one."""

    def __init__(self, routes: Mapping[str, Sender], default: Sender) -> None:
        self.routes, self.default = dict(routes), default

    def send(self, message: Message) -> Sequence[DeviceResult] | None:
        return self.routes.get(message.kind, self.default).send(message)
