"""Turning sessions and windows into API models."""

from app.sessions.schemas import (
    SessionCounts,
    SessionPublic,
    WindowPublic,
)
from app.sessions.service import SessionWithWindow
from app.sessions.window import Window


def window_public(window: Window) -> WindowPublic:
    return WindowPublic.model_validate(window, from_attributes=True)


def session_public(item: SessionWithWindow, counts: SessionCounts | None = None) -> SessionPublic:
    """The stored session as it is, with its window and counts."""
    window = window_public(item.window)
    return SessionPublic.model_validate(
        item.session.model_dump() | {"window": window, "counts": counts}
    )
