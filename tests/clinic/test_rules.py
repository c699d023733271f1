"""The pages' own small rules: the timeline, the suggested time, charts, cookies, escaping."""

import math
import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from starlette.responses import Response

from app.clinic.charts import round_step, score_chart, series_chart, timeline
from app.clinic.patient_page import WindowBlock
from app.clinic.web import set_cookie
from app.core.config import Settings
from app.integration.service import within_range
from app.sessions.window import WindowRules, window_for
from tests.clinic.conftest import Browser
from tests.entries.conftest import Team

NAIVE_FROM = datetime(2020, 1, 1)  # noqa: DTZ001  (hypothesis bounds are naive)
NAIVE_TO = datetime(2030, 1, 1)  # noqa: DTZ001
times = st.datetimes(min_value=NAIVE_FROM, max_value=NAIVE_TO, timezones=st.just(UTC))


@given(at=times, next_in=st.one_of(st.none(), st.floats(min_value=0.1, max_value=100)))
def test_the_suggested_time_is_inside_the_recommended_range(
    at: datetime, next_in: float | None
) -> None:
    rules = WindowRules()
    nxt = at + timedelta(hours=next_in) if next_in is not None else None
    window = window_for(uuid.uuid4(), at, nxt, rules)
    block = WindowBlock(session=None, window=window, counts=None)
    assert within_range(at, block.suggested_at, rules)


@given(at=times, offsets=st.lists(st.floats(min_value=-100, max_value=200), max_size=4))
def test_timeline_bands_stay_inside_the_drawing(at: datetime, offsets: list[float]) -> None:
    window = window_for(uuid.uuid4(), at, None, WindowRules())
    drawn = timeline(window, [at + timedelta(hours=h) for h in offsets], at, width=600)
    for band in (drawn.early, drawn.integration, drawn.recommended):
        assert 0 <= band.x <= band.x + band.width <= 600
    assert all(0 <= x <= 600 for x, _ in drawn.marks)
    assert drawn.early.x + drawn.early.width == drawn.integration.x


@given(values=st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=30))
def test_chart_points_stay_inside_the_plot(values: list[int]) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    points = [(start + timedelta(hours=i), float(v), "") for i, v in enumerate(values)]
    chart = series_chart("mood", "Mood", points, y_min=0, y_max=10, unit="mood")
    assert all(0 <= p.x <= chart.width and 0 <= p.y <= chart.height for p in chart.points)
    assert f"latest {values[-1]}" in chart.description


@given(top=st.integers(min_value=1, max_value=200))
def test_ticks_are_round_numbers_from_zero(top: int) -> None:
    step = round_step(top)
    chart = series_chart("x", "X", [], y_min=0, y_max=top, unit="x")
    labels = [float(label) for _y, label in chart.y_ticks]
    assert labels[0] == 0 and 2 <= len(labels) <= 7
    assert all(math.isclose(b - a, step) for a, b in pairwise(labels))
    assert any(math.isclose(step, f * 10.0**k) for f in (1, 2, 2.5, 5) for k in range(-1, 3))


def test_a_phq9_chart_draws_its_bands_and_dates_each_point() -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    series = {
        "code": "phq9",
        "points": [
            {"answered_at": start + timedelta(days=14 * i), "score": s, "severity": "mild"}
            for i, s in enumerate([16, 11, 7])
        ],
    }
    chart = score_chart(series)
    assert [label for _y, label in chart.y_ticks] == ["0", "5", "10", "15", "20", "25"]
    assert [b.label for b in chart.bands] == [
        "minimal",
        "mild",
        "moderate",
        "moderately severe",
        "severe",
    ]
    # Bands tile the scale from bottom to top without gaps.
    bottom_up = sorted(chart.bands, key=lambda b: -b.y)
    assert all(
        abs(lower.y - (upper.y + upper.height)) < 0.2 for lower, upper in pairwise(bottom_up)
    )
    assert [at for _x, at in chart.dates] == [p["answered_at"] for p in series["points"]]
    assert "Bands: minimal 0 to 4" in chart.description


def test_a_chart_without_readings_says_so_instead_of_an_empty_axis(
    team: Team, browser: Browser
) -> None:
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert '<p class="chart-empty">No mood readings yet.</p>' in page
    assert 'id="mood-title"' not in page


def test_a_spanish_speaking_patients_text_is_marked_spanish_and_counts_agree(
    team: Team, browser: Browser
) -> None:
    r = team.client.patch("/v1/me", json={"locale": "es"}, headers=team.ph)
    assert r.status_code == 200, r.text
    at = team.clock.now - timedelta(hours=26)
    session_id = team.session(at)
    team.write(at + timedelta(hours=1), body="Hoy caminé junto al río.")
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert '<p class="body" lang="es">Hoy caminé junto al río.</p>' in page
    assert "1 shared entry," in page
    summary = browser.get(f"/clinic/patients/{team.patient.id}/sessions/{session_id}/summary")
    assert '<p class="body" lang="es">Hoy caminé junto al río.</p>' in summary.text


def test_every_page_names_its_icon_and_the_icon_is_served(browser: Browser) -> None:
    page = browser.get("/clinic/login").text
    assert 'rel="icon" href="/clinic/static/favicon.svg"' in page
    icon = browser.get("/clinic/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")


def test_the_cookie_is_secure_in_production(settings: Settings) -> None:
    ctx = SimpleNamespace(settings=settings.model_copy(update={"env": "production"}))
    response = Response()
    set_cookie(response, ctx, "value")  # type: ignore[arg-type]
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/clinic" in cookie


def test_journal_text_is_escaped_in_the_page(team: Team, browser: Browser) -> None:
    at = team.clock.now - timedelta(hours=26)
    team.session(at)
    team.write(at + timedelta(hours=1), body="<script>alert(1)</script> & <b>bold</b>")
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page.text
    assert "<script>alert(1)" not in page.text
