"""Invitations go to the invitee by email; the admin never sees the token."""

import uuid

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, select

from app.core.config import Settings
from app.notifications.models import Notification
from app.notifications.senders import Message
from app.notifications.sending import build_sender
from tests.accounts.smtp_server import Inbox, smtp_inbox  # noqa: F401  (the fixture)
from tests.clinic.conftest import Browser, browser  # noqa: F401  (the fixture)
from tests.factories import make_admin

NEW = {"email": "invitee@clinic.example.org", "role": "therapist", "display_name": "Dr. New"}


@pytest.fixture
def settings(settings: Settings, smtp_inbox: tuple[Inbox, int]) -> Settings:  # noqa: F811
    _inbox, port = smtp_inbox
    return settings.model_copy(
        update={
            "invitation_delivery": "email",
            "smtp_url": SecretStr(f"smtp://127.0.0.1:{port}"),
            "smtp_from": "clinic@example.org",
            "public_url": "https://clinic.example.org",
        }
    )


def _send_outbox(db: Session, settings: Settings) -> None:
    """What the worker does with the invitation emails waiting in the outbox."""
    sender = build_sender(settings)
    for n in db.exec(select(Notification).where(Notification.kind == "invitation_email")).all():
        if n.status == "pending":
            sender.send(
                Message(
                    id=str(n.id),
                    kind=n.kind,
                    user_id=str(n.user_id),
                    title=n.title,
                    body=n.body,
                    data=dict(n.data),
                    due_at=n.due_at.isoformat(),
                )
            )
            n.status = "sent"  # type: ignore[assignment]
            db.add(n)
    db.flush()


def test_the_invitation_is_emailed_and_the_admin_never_sees_the_token(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    settings: Settings,
    smtp_inbox: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _port = smtp_inbox
    admin = login(make_admin(db))
    r = client.post("/v1/users", json=NEW, headers=admin)
    assert r.status_code == 201, r.text
    invitation = r.json()["invitation"]
    assert invitation["delivery"] == "email"
    assert invitation["sent_to"] == NEW["email"]
    assert invitation["token"] is None and invitation["expires_at"]

    _send_outbox(db, settings)
    (mail,) = inbox.mails
    assert mail["To"] == NEW["email"] and mail["From"] == "clinic@example.org"
    token = inbox.token_in(mail)
    assert token not in r.text
    assert "https://clinic.example.org/clinic/invitation" in inbox.text_of(mail)

    user_id = uuid.UUID(r.json()["id"])
    # A re-issued invitation goes to the same address; the first one stops working.
    again = client.post(f"/v1/users/{user_id}/invitation", headers=admin)
    assert again.status_code == 201, again.text
    assert again.json()["sent_to"] == NEW["email"] and again.json()["token"] is None
    _send_outbox(db, settings)
    assert [m["To"] for m in inbox.mails] == [NEW["email"], NEW["email"]]
    second = inbox.token_in(inbox.mails[1])
    stale = client.post(
        "/v1/auth/invitation", json={"token": token, "password": "a-long-phrase-of-my-own"}
    )
    assert stale.status_code == 410
    ok = client.post(
        "/v1/auth/invitation", json={"token": second, "password": "a-long-phrase-of-my-own"}
    )
    assert ok.status_code == 200, ok.text
    # The invitee's own feed does not carry it either.
    feed = client.get(
        "/v1/me/notifications", headers={"Authorization": f"Bearer {ok.json()['access_token']}"}
    )
    assert second not in feed.text and "invitation" not in feed.text.lower()


def test_the_clinic_page_says_where_it_was_sent_not_the_token(
    browser: Browser,  # noqa: F811
    db: Session,
    settings: Settings,
    smtp_inbox: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _port = smtp_inbox
    browser.sign_in(make_admin(db))
    r = browser.post("/clinic/admin/users", NEW | {"timezone": "UTC"})
    assert r.status_code == 201, r.text
    assert "emailed to invitee@clinic.example.org" in r.text
    assert 'id="invite-token"' not in r.text
    _send_outbox(db, settings)
    assert inbox.token_in(inbox.mails[0]) not in r.text
