"""When questionnaires fall due: pure rules, computed from the patient's data.

Nothing is materialised per occurrence: each one is derived from the enrolment
time, the sessions (windows), the safety flags and the care team's one-off
assignments, and has a stable key. A response names the key it answered, so an
occurrence is `answered`, `late`, `due`, `upcoming` or - once it expired with no
answer - `missed`.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.notifications.quiet_hours import outside_quiet_hours
from app.sessions.window import Window, WindowRules, window_for

AFTER_DOSE_OPEN = timedelta(hours=24)
AFTER_FLAG_OPEN = timedelta(hours=72)
DAILY_OPEN = timedelta(hours=24)
# Occurrence keys anchored on a new episode of care (a re-admission) carry this prefix.
EPISODE = "episode."
# When the daily check-in falls due if the patient chose no time.
CHECK_IN_DEFAULT = time(19, 0)
PLAN_KEYS = (
    "enrolment",
    "integration",
    "between_windows_days",
    "after_dose_hours",
    "after_flag",
    "daily",
)


@dataclass(frozen=True)
class Plan:
    """One instrument's schedule for one patient."""

    enrolment: bool = False
    integration: bool = False
    between_windows_days: int = 0
    after_dose_hours: float | None = None
    after_flag: bool = False
    daily: bool = False

    @classmethod
    def merged(cls, *layers: Mapping[str, Any]) -> "Plan":
        values: dict[str, Any] = {}
        for layer in layers:
            # None switches off an after-dose check; for the other keys it means "unset".
            values.update(
                {
                    k: v
                    for k, v in layer.items()
                    if k in PLAN_KEYS and (v is not None or k == "after_dose_hours")
                }
            )
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in PLAN_KEYS}


@dataclass(frozen=True)
class Assigned:
    id: uuid.UUID
    code: str
    due_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Facts:
    enrolled_at: datetime
    sessions: Sequence[tuple[datetime, uuid.UUID]]  # oldest first
    flags: Sequence[tuple[datetime, uuid.UUID]] = ()
    assignments: Sequence[Assigned] = ()
    timezone: str = "UTC"
    check_in_at: time = CHECK_IN_DEFAULT
    # Episodes of care (started, ended, id), oldest first; none: in treatment throughout.
    episodes: Sequence[tuple[datetime, datetime | None, uuid.UUID]] = ()

    def off_care(self) -> list[tuple[datetime, datetime | None]]:
        """From each discharge to the next admission: nothing falls due then."""
        eps = self.episodes
        return [
            (end, eps[i + 1][0] if i + 1 < len(eps) else None)
            for i, (_, end, _) in enumerate(eps)
            if end is not None
        ]

    def readmissions(self) -> list[tuple[datetime, uuid.UUID]]:
        """Each episode opened after a discharge: it starts a fresh course of the plan."""
        eps = self.episodes
        return [(start, eid) for i, (start, _, eid) in enumerate(eps) if i > 0 and eps[i - 1][1]]


@dataclass(frozen=True)
class Occurrence:
    key: str
    code: str
    # enrolment | integration | between_windows | after_dose | after_flag | daily | assigned
    reason: str
    due_at: datetime
    expires_at: datetime
    session_id: uuid.UUID | None = field(default=None, compare=False)
    # Cut short by a newer occurrence of the same instrument: past its (new) end it is
    # neither due nor missed, the newer one asks instead.
    superseded: bool = field(default=False, compare=False)


def _between(
    code: str,
    days: int,
    gaps: Iterable[tuple[datetime, datetime | None, str]],
    open_for: timedelta,
    until: datetime,
) -> Iterable[Occurrence]:
    step = timedelta(days=days)
    for start, end, anchor in gaps:
        k = 1
        while (due := start + step * k) <= until and (end is None or due < end):
            expires = due + open_for if end is None else min(due + open_for, end)
            yield Occurrence(f"between:{anchor}:{k}:{code}", code, "between_windows", due, expires)
            k += 1


def _daily(code: str, windows: Sequence[Window], facts: Facts) -> Iterable[Occurrence]:
    """One a day at the patient's check-in time (out of quiet hours) while a window is open."""
    zone = ZoneInfo(facts.timezone)
    seen: set[str] = set()
    for w in windows:
        day = w.opens_at.astimezone(zone).date()
        while day <= w.closes_at.astimezone(zone).date():
            wall = datetime.combine(day, facts.check_in_at, tzinfo=zone).astimezone(UTC)
            due = outside_quiet_hours(wall, facts.timezone)
            if w.opens_at <= due < w.closes_at and day.isoformat() not in seen:
                seen.add(day.isoformat())
                key = f"daily:{w.session_id}:{day.isoformat()}:{code}"
                yield Occurrence(key, code, "daily", due, due + DAILY_OPEN, w.session_id)
            day += timedelta(days=1)


def occurrences(
    facts: Facts,
    plans: Mapping[str, Plan],
    rules: WindowRules,
    *,
    until: datetime,
    open_for: timedelta,
) -> list[Occurrence]:
    """Every occurrence that has fallen due by `until`, oldest first."""
    times = [t for t, _ in facts.sessions]
    windows = [
        window_for(sid, t, times[i + 1] if i + 1 < len(times) else None, rules)
        for i, (t, sid) in enumerate(facts.sessions)
    ]
    # Gaps between windows: from enrolment to the first dose, then from each close on.
    gaps: list[tuple[datetime, datetime | None, str]] = [
        (facts.enrolled_at, times[0] if times else None, "enrolment")
    ]
    for i, w in enumerate(windows):
        nxt = times[i + 1] if i + 1 < len(times) else None
        if nxt is None or nxt > w.closes_at:
            gaps.append((w.closes_at, nxt, str(w.session_id)))
    off = facts.off_care()
    gaps = _in_care(gaps, off, facts.readmissions())
    out: list[Occurrence] = []
    for code, plan in plans.items():
        if plan.enrolment:
            at = facts.enrolled_at
            out.append(Occurrence(f"enrolment:{code}", code, "enrolment", at, at + open_for))
            # A new episode asks for a new baseline.
            for at, eid in facts.readmissions():
                key = f"enrolment:{EPISODE}{eid}:{code}"
                out.append(Occurrence(key, code, "enrolment", at, at + open_for))
        if plan.integration:
            for w in windows:
                if w.integration_starts_at < w.closes_at:
                    out.append(
                        Occurrence(
                            f"integration:{w.session_id}:{code}",
                            code,
                            "integration",
                            w.integration_starts_at,
                            w.closes_at,
                            w.session_id,
                        )
                    )
        if plan.between_windows_days > 0:
            out.extend(_between(code, plan.between_windows_days, gaps, open_for, until))
        if plan.after_dose_hours is not None:
            for t, sid in facts.sessions:
                due = t + timedelta(hours=plan.after_dose_hours)
                out.append(
                    Occurrence(
                        f"after_dose:{sid}:{code}",
                        code,
                        "after_dose",
                        due,
                        due + AFTER_DOSE_OPEN,
                        sid,
                    )
                )
        if plan.daily:
            out.extend(_daily(code, windows, facts))
        if plan.after_flag:
            for t, fid in facts.flags:
                out.append(
                    Occurrence(
                        f"after_flag:{fid}:{code}", code, "after_flag", t, t + AFTER_FLAG_OPEN
                    )
                )
    for a in facts.assignments:
        out.append(Occurrence(f"assigned:{a.id}", a.code, "assigned", a.due_at, a.expires_at))
    kept = (_cut(o, off) for o in out if o.due_at <= until)
    return one_open_per_instrument(
        sorted((o for o in kept if o is not None), key=lambda o: (o.due_at, o.key))
    )


def _in_care(
    gaps: list[tuple[datetime, datetime | None, str]],
    off: list[tuple[datetime, datetime | None]],
    readmitted: list[tuple[datetime, uuid.UUID]],
) -> list[tuple[datetime, datetime | None, str]]:
    """The between-windows gaps cut at each discharge and resumed at the next
    admission, counted afresh from it (anchored on the new episode)."""
    out = []
    for start, end, anchor in gaps:
        pieces = [(start, end, anchor)]
        for lo, hi in off:
            nxt = []
            for s, e, a in pieces:
                if (e is not None and e <= lo) or (hi is not None and s >= hi):
                    nxt.append((s, e, a))
                    continue
                if s < lo:
                    nxt.append((s, lo, a))
                if hi is not None and (e is None or hi < e):
                    eid = next(i for t, i in readmitted if t == hi)
                    nxt.append((hi, e, f"{EPISODE}{eid}"))
            pieces = nxt
        out += pieces
    return out


def _cut(occ: Occurrence, off: list[tuple[datetime, datetime | None]]) -> Occurrence | None:
    """None when it falls due out of treatment; one open at a discharge closes there."""
    for lo, hi in off:
        if lo <= occ.due_at and (hi is None or occ.due_at < hi):
            return None
        if occ.due_at < lo < occ.expires_at:
            occ = replace(occ, expires_at=lo)
    return occ


def one_open_per_instrument(occs: list[Occurrence]) -> list[Occurrence]:
    """The same instrument is never due twice at once: an occurrence still open when
    the next of its instrument falls due ends then, superseded; the newer one asks for
    its own time (`occs` oldest first)."""
    out = list(occs)
    open_at: dict[str, int] = {}
    for i, occ in enumerate(out):
        j = open_at.get(occ.code)
        if j is not None and occ.due_at < out[j].expires_at:
            out[j] = replace(out[j], expires_at=occ.due_at, superseded=True)
        open_at[occ.code] = i
    return out


def status_of(occ: Occurrence, answered: Mapping[str, bool], now: datetime) -> str:
    """answered | late | upcoming | due | missed | superseded; `answered` maps key ->
    was late."""
    if occ.key in answered:
        return "late" if answered[occ.key] else "answered"
    if now < occ.due_at:
        return "upcoming"
    if now < occ.expires_at:
        return "due"
    return "superseded" if occ.superseded else "missed"


def match(
    occs: Sequence[Occurrence],
    answered: Mapping[str, bool],
    code: str,
    at: datetime,
    late_within: timedelta,
) -> tuple[Occurrence | None, bool]:
    """The occurrence a response at `at` answers, and whether it is late.

    The oldest open one first; failing that the most recently expired one (within
    `late_within`), answered late; else none (the patient answered unprompted).
    """
    mine = [o for o in occs if o.code == code and o.key not in answered and o.due_at <= at]
    open_ = [o for o in mine if at < o.expires_at]
    if open_:
        return min(open_, key=lambda o: (o.due_at, o.key)), False
    expired = [o for o in mine if at - late_within < o.expires_at <= at]
    if expired:
        return max(expired, key=lambda o: (o.expires_at, o.key)), True
    return None, False
