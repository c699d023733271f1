"""The plasticity window: pure rules, no database."""

import bisect
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Phase(StrEnum):
    """Where an entry or a questionnaire response falls in its window: `early` until
    the integration phase starts (the acute hours included), then `integration`."""

    early = "early"
    integration = "integration"


class WindowPhase(StrEnum):
    """Where the open window is now: `acute` (the first hours after the dose, the start
    of the early phase), `early`, `integration`. Enums may gain values within v1:
    decode a value you do not know without failing (docs/api.md); a client built
    against v1.1 reads `acute` as `early`."""

    acute = "acute"
    early = "early"
    integration = "integration"


@dataclass(frozen=True)
class WindowRules:
    """Clinic settings.

    The 48 h window is a working hypothesis: it comes from rodent studies of
    ketamine-induced synaptogenesis (new spines within hours, lasting days), and
    24-48 h for the integration session is clinics' scheduling practice, not an
    established human finding. The acute hours (2) are the usual post-dose
    monitoring time; a clinic may set them per route (an oral dose acts later
    and longer than an IV one).
    """

    window_hours: float = 48
    integration_start_hours: float = 24
    integration_end_hours: float = 48
    acute_hours: float = 2
    acute_hours_by_route: Mapping[str, float] = field(default_factory=dict)

    @property
    def length(self) -> timedelta:
        return timedelta(hours=self.window_hours)

    def acute_length(self, route: str | None) -> timedelta:
        hours = self.acute_hours_by_route.get(route, self.acute_hours) if route else None
        return timedelta(hours=self.acute_hours if hours is None else hours)


@dataclass(frozen=True)
class Window:
    session_id: uuid.UUID
    opens_at: datetime
    closes_at: datetime
    integration_starts_at: datetime
    integration_ends_at: datetime
    # Equal to opens_at when the clinic turned the acute hours off.
    acute_ends_at: datetime

    def contains(self, at: datetime) -> bool:
        return self.opens_at <= at < self.closes_at

    def phase_at(self, at: datetime) -> Phase:
        return Phase.early if at < self.integration_starts_at else Phase.integration

    def is_acute_at(self, at: datetime) -> bool:
        """In the first hours after the dose (the window and prompts; entries keep `early`)."""
        return self.opens_at <= at < self.acute_ends_at

    def window_phase_at(self, at: datetime) -> WindowPhase:
        if self.is_acute_at(at):
            return WindowPhase.acute
        return WindowPhase(self.phase_at(at).value)

    def hours_since(self, at: datetime) -> float:
        return round((at - self.opens_at).total_seconds() / 3600, 4)


def window_for(
    session_id: uuid.UUID,
    administered_at: datetime,
    next_administered_at: datetime | None,
    rules: WindowRules,
    *,
    route: str | None = None,
) -> Window:
    """Opens at the session; closes after the window hours or at the next session.

    Without `route` the acute hours are the clinic's default (callers that never
    look at the acute phase need not load it)."""
    closes = administered_at + rules.length
    if next_administered_at is not None and next_administered_at < closes:
        closes = next_administered_at
    return Window(
        session_id=session_id,
        opens_at=administered_at,
        closes_at=closes,
        integration_starts_at=administered_at + timedelta(hours=rules.integration_start_hours),
        integration_ends_at=administered_at + timedelta(hours=rules.integration_end_hours),
        acute_ends_at=administered_at + rules.acute_length(route),
    )


def phase_of(administered_at: datetime, at: datetime, rules: WindowRules) -> Phase:
    boundary = administered_at + timedelta(hours=rules.integration_start_hours)
    return Phase.early if at < boundary else Phase.integration


def attach(
    sessions: Sequence[tuple[datetime, uuid.UUID]], written_at: datetime, rules: WindowRules
) -> uuid.UUID | None:
    """The session whose window contains `written_at`, from (time, id) pairs sorted by time.

    The latest session at or before the entry is the only candidate: a later
    one would have closed the earlier window when it started.
    """
    times = [t for t, _ in sessions]
    i = bisect.bisect_right(times, written_at) - 1
    if i < 0:
        return None
    administered_at, session_id = sessions[i]
    return session_id if written_at < administered_at + rules.length else None
