"""A local SMTP server (aiosmtpd) that keeps what it receives."""

import email
import re
import socket
from collections.abc import Iterator
from email.message import Message as MailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.mails: list[MailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    @staticmethod
    def text_of(mail: MailMessage) -> str:
        payload = mail.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode().replace("\r\n", "\n")

    def token_in(self, mail: MailMessage) -> str:
        found = re.search(r"^ {4}(\S+)$", self.text_of(mail), re.M)
        assert found, "no token in the email"
        return found.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
