"""Turning sessions and windows into API models."""

from datetime import datetime

from sqlmodel import Session

from app.integration.service import next_for_sessions, within_range
from app.sessions.schemas import (
    IntegrationSessionBrief,
    OpenWindow,
    SessionCounts,
    SessionPublic,
    WindowPublic,
)
from app.sessions.service import SessionWithWindow
from app.sessions.window import Window, WindowRules


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


def open_window(
    db: Session, window: Window | None, *, now: datetime, rules: WindowRules
) -> OpenWindow:
    if window is None:
        return OpenWindow(open=False)
    upcoming = next_for_sessions(db, [window.session_id], now=now).get(window.session_id)
    brief = None
    if upcoming is not None:
        brief = IntegrationSessionBrief(
            id=upcoming.id,
            scheduled_at=upcoming.scheduled_at,
            within_recommended_range=within_range(window.opens_at, upcoming.scheduled_at, rules),
        )
    return OpenWindow(
        open=True,
        session_id=window.session_id,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        phase=window.phase_at(now),
        hours_since_session=window.hours_since(now),
        hours_left=round((window.closes_at - now).total_seconds() / 3600, 4),
        integration_starts_at=window.integration_starts_at,
        integration_ends_at=window.integration_ends_at,
        integration_session=brief,
    )
