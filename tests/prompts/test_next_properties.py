"""`next` over random serve / answer / advance-time / new-session sequences.

The test keeps its own model of the windows and of what was served and answered,
and checks every serve against it: the phase fits, nothing repeats inside a scope
while an unused fitting prompt remains, and the technique changes from the previous
serve whenever another technique still has unused prompts.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from tests.conftest import Clock
from tests.entries.conftest import iso
from tests.factories import make_patient, make_therapist
from tests.prompts.helpers import all_prompts

WINDOW = timedelta(hours=48)
EARLY = timedelta(hours=24)
ACUTE = timedelta(hours=2)

Step = tuple[str, int]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("serve"), st.just(0)),
        st.tuples(st.just("answer"), st.integers(0, 40)),
        # Minutes: small steps, a phase change, past the window, a long gap.
        st.tuples(st.just("tick"), st.sampled_from([17, 6 * 60 + 1, 20 * 60 + 3, 30 * 60 + 7])),
        st.tuples(st.just("session"), st.just(0)),
    ),
    min_size=5,
    max_size=40,
)


@dataclass
class Model:
    sessions: list[datetime]
    served: list[tuple[datetime, str]] = field(default_factory=list)
    answered: list[tuple[datetime, str]] = field(default_factory=list)

    def scope(self, now: datetime) -> tuple[str, datetime]:
        """The phase and the start of "the same window" at `now`."""
        past = [s for s in self.sessions if s <= now]
        if not past:
            return "between_windows", datetime.min.replace(tzinfo=now.tzinfo)
        last = past[-1]
        if now < last + WINDOW:  # sessions are only recorded at "now": none is later
            if now < last + ACUTE:
                return "acute", last
            return ("early" if now < last + EARLY else "integration"), last
        return "between_windows", last + WINDOW

    def used(self, since: datetime) -> set[str]:
        return {p for at, p in self.served + self.answered if at >= since}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_next_fits_the_phase_never_repeats_and_rotates(
    client: TestClient, db: Session, login: Any, clock: Clock, steps: list[Step]
) -> None:
    start = clock.now
    patient = make_patient(db)
    therapist = make_therapist(db, patients=(patient,))
    library = {p["id"]: p for p in all_prompts(client, login(patient))}
    r = client.post(
        f"/v1/patients/{patient.id}/sessions",
        json={"administered_at": iso(start - timedelta(hours=1)), "route": "im"},
        headers=login(therapist),
    )
    assert r.status_code == 201, r.text
    model = Model(sessions=[start - timedelta(hours=1)])
    now = start
    try:
        for kind, arg in steps:
            now += timedelta(minutes=1)
            clock.set(now)
            if kind == "tick":
                now += timedelta(minutes=arg)
            elif kind == "session":
                r = client.post(
                    f"/v1/patients/{patient.id}/sessions",
                    json={"administered_at": iso(now), "route": "iv"},
                    headers=login(therapist),
                )
                assert r.status_code == 201, r.text
                model.sessions.append(now)
            elif kind == "answer" and model.served:
                prompt_id = model.served[arg % len(model.served)][1]
                r = client.post(
                    "/v1/entries",
                    json={"body": "An answer.", "written_at": iso(now), "prompt_id": prompt_id},
                    headers=login(patient),
                )
                assert r.status_code == 201, r.text
                model.answered.append((now, prompt_id))
            elif kind == "serve":
                _check_serve(client, login(patient), library, model, now)
    finally:
        clock.set(start)


def _check_serve(
    client: TestClient,
    headers: dict[str, str],
    library: dict[str, dict[str, Any]],
    model: Model,
    now: datetime,
) -> None:
    phase, since = model.scope(now)
    fitting = {pid: p["technique"] for pid, p in library.items() if phase in p["phases"]}
    used = model.used(since)
    unused = set(fitting) - used
    previous = [p for at, p in model.served if at >= since][-1:]

    r = client.get("/v1/prompts/next", headers=headers)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["phase"] == phase
    assert got["id"] in fitting and phase in got["phases"]
    assert got["assigned"] is False
    if unused:
        assert got["id"] in unused, "repeated a prompt while unused ones remain"
    if previous and unused:
        last_technique = library[previous[0]]["technique"]
        others = {fitting[p] for p in unused} - {last_technique}
        if others:
            assert got["technique"] != last_technique, "technique did not rotate"
    model.served.append((now, got["id"]))
