"""What a phone receives: the generic title and body, and ids to open the right screen.

Lock screens are public, so a payload is built from a short list of fields and
never from the notification's `data` as a whole: titles and bodies are the
outbox's generic texts, and the only ids are the notification's own and the one
thing it is about (a session or a safety flag), as bare UUIDs, and a safety
alert's level (urgent or review).
"""

import contextlib
import uuid
from typing import Any

from app.notifications.senders import Message

# One slot per reminder group: the "closing" reminder replaces the "opened" one.
COLLAPSE = {
    "window_opened": "journal-reminder",
    "window_closing": "journal-reminder",
    "integration_prep": "integration-prep",
    "questionnaire_due": "questionnaires-due",
}
# The one id per kind the app opens; any other data stays on the server.
TARGET_KEY = {
    "window_opened": "session_id",
    "window_closing": "session_id",
    "integration_prep": "session_id",
    "safety_flag": "flag_id",
    "safety_escalation": "flag_id",
}
LEVELS = ("urgent", "review")


def is_urgent(message: Message) -> bool:
    """Urgent safety alerts interrupt (iOS time-sensitive, Android high priority); a
    flag for review does not."""
    if message.data.get("level") == "review":
        return False
    return message.kind.startswith("safety") or message.data.get("urgent") is True


def collapse_id(message: Message) -> str | None:
    """A newer reminder replaces an older one on the phone."""
    return COLLAPSE.get(message.kind)


def target_of(kind: str, data: dict[str, Any]) -> tuple[str | None, str | None]:
    """The one id the app opens (a session or a safety flag) and a safety alert's level."""
    key = TARGET_KEY.get(kind)
    value = data.get(key) if key else None
    target = None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            target = str(uuid.UUID(value))
    level = data.get("level")
    return target, str(level) if kind.startswith("safety") and level in LEVELS else None


def link(message: Message) -> dict[str, str]:
    """The deep link: which kind of screen, and the id the app opens it with."""
    out = {"notification_id": message.id, "kind": message.kind}
    target, level = target_of(message.kind, message.data)
    if target is not None:
        out["target_id"] = target
    if level is not None:
        out["level"] = level
    return out


def apns_request(message: Message, topic: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON body and headers of one APNs request."""
    urgent = is_urgent(message)
    aps: dict[str, Any] = {
        "alert": {"title": message.title, "body": message.body},
        "sound": "default",
        "interruption-level": "time-sensitive" if urgent else "active",
    }
    headers = {
        "apns-topic": topic,
        "apns-push-type": "alert",
        "apns-priority": "10",
        "apns-id": message.id,
    }
    collapse = collapse_id(message)
    if collapse is not None:
        headers["apns-collapse-id"] = collapse
    return {"aps": aps, "link": link(message)}, headers


def fcm_message(message: Message, token: str) -> dict[str, Any]:
    """One FCM HTTP v1 `message` (the request body is {"message": ...})."""
    urgent = is_urgent(message)
    android: dict[str, Any] = {
        "priority": "HIGH" if urgent else "NORMAL",
        "notification": {
            "channel_id": "safety" if urgent else "reminders",
            "notification_priority": "PRIORITY_HIGH" if urgent else "PRIORITY_DEFAULT",
            "visibility": "PRIVATE",
        },
    }
    collapse = collapse_id(message)
    if collapse is not None:
        android["collapse_key"] = collapse
        android["notification"]["tag"] = collapse
    return {
        "token": token,
        "notification": {"title": message.title, "body": message.body},
        "data": link(message),
        "android": android,
    }
