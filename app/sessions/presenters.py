"""Turning sessions and windows into API models."""

from app.sessions.schemas import (
    SessionCounts,
    SessionPublic,
    WindowPublic,
)
from app.sessions.service import SessionWithWindow
from app.sessions.window import Window


def window_public(window: Window) -> WindowPublic:
    return WindowPublic(
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        integration_starts_at=window.integration_starts_at,
        integration_ends_at=window.integration_ends_at,
    )


def session_public(item: SessionWithWindow, counts: SessionCounts | None = None) -> SessionPublic:
    s = item.session
    return SessionPublic(
        id=s.id,
        patient_id=s.patient_id,
        administered_at=s.administered_at,
        route=s.route,
        dose_mg=s.dose_mg,
        note=s.note,
        recorded_by=s.recorded_by,
        is_self_reported=s.is_self_reported,
        created_at=s.created_at,
        updated_at=s.updated_at,
        window=window_public(item.window),
        counts=counts,
    )
