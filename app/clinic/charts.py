"""Charts as SVG drawn by a template: readable without JavaScript, titled for screen readers."""

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from app.clinic.i18n import N_, _, date_names, ngettext
from app.questionnaires.instruments import catalogue
from app.sessions.window import Window

# Narrow enough that 13-unit labels stay about 11 px on a 390 px phone; the page caps
# the drawing's width on a desk. The right margin holds a band name's longest word.
WIDTH, HEIGHT = 420, 220
LEFT, RIGHT, TOP, BOTTOM = 34, 72, 12, 40
# At most this many dates are written under the axis; every point keeps its own in its tooltip.
MAX_DATES = 4
# Light fills behind the series, mildest band first (each with its name for the legend).
BAND_FILLS = ("#e8f3ec", "#f4f7e6", "#fdf3e1", "#fbe8dc", "#f8dede")


# Chart names of the instruments' data files that are words, not abbreviations.
CHART_WORDS = {"Check-in mood": N_("Check-in mood")}


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    at: datetime
    value: float
    label: str = ""


@dataclass(frozen=True)
class ScoreBand:
    """A severity band drawn behind the series: its top and bottom in SVG units."""

    y: float
    height: float
    label: str
    fill: str


@dataclass(frozen=True)
class Chart:
    """One series on a time axis; `points` are already in SVG coordinates."""

    slug: str
    title: str
    description: str
    y_min: float
    y_max: float
    points: list[Point] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    bands: list[ScoreBand] = field(default_factory=list)
    dates: list[tuple[float, datetime]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def round_step(span: float, most: int = 6) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that needs at most `most` steps."""
    if span <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(span / most))
    for factor in (1, 2, 2.5, 5, 10):
        if span / (factor * power) <= most:
            return factor * power
    return 10 * power  # pragma: no cover - the loop ends at 10


def series_chart(
    slug: str,
    title: str,
    points: list[tuple[datetime, float, str]],
    *,
    y_min: float,
    y_max: float,
    unit: str,
    bands: tuple[tuple[float, float, str], ...] = (),
) -> Chart:
    """Scale (time, value, label) points into the plot area, oldest on the left, over
    round ticks and the instrument's severity bands (low, high, name)."""
    points = sorted(points, key=lambda p: p[0])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    if points:
        t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    else:
        t0 = t1 = 0.0
    span = (t1 - t0) or 1.0

    def y_of(v: float) -> float:
        return round(TOP + plot_h * (1 - (v - y_min) / ((y_max - y_min) or 1)), 1)

    def x_of(at: datetime) -> float:
        return round(LEFT + (plot_w * (at.timestamp() - t0) / span if t1 > t0 else plot_w / 2), 1)

    scaled = [Point(x=x_of(at), y=y_of(v), at=at, value=v, label=label) for at, v, label in points]
    step = round_step(y_max - y_min)
    count = int((y_max - y_min) // step)
    ticks = [(y_of(y_min + i * step), f"{y_min + i * step:g}") for i in range(count + 1)]
    # A band runs half a point past its ends, so every whole score sits inside its own.
    edges = [(max(y_min, lo - 0.5), min(y_max, hi + 0.5), name) for lo, hi, name in bands]
    drawn = [
        ScoreBand(
            y=y_of(hi),
            height=round(y_of(lo) - y_of(hi), 1),
            label=_(name.replace("_", " ")),
            fill=BAND_FILLS[min(i, len(BAND_FILLS) - 1)],
        )
        for i, (lo, hi, name) in enumerate(edges)
    ]
    picked = scaled if len(scaled) <= MAX_DATES else _spread(scaled, MAX_DATES)
    dates = [(p.x, p.at) for p in picked]
    if points:
        low, high = min(p[1] for p in points), max(p[1] for p in points)
        first, last = points[0][0], points[-1][0]
        description = ngettext(
            "%(count)d %(unit)s reading from %(first)s to %(last)s; lowest %(low)s, "
            "highest %(high)s, latest %(latest)s.",
            "%(count)d %(unit)s readings from %(first)s to %(last)s; lowest %(low)s, "
            "highest %(high)s, latest %(latest)s.",
            len(points),
        ) % {
            "count": len(points),
            "unit": unit,
            "first": first.strftime(date_names("%d %b %Y", first)),
            "last": last.strftime(date_names("%d %b %Y", last)),
            "low": f"{low:g}",
            "high": f"{high:g}",
            "latest": f"{points[-1][1]:g}",
        }
    else:
        description = _("No %(unit)s readings yet.") % {"unit": unit}
    if drawn:
        each = _("%(band)s %(low)s to %(high)s")
        named = ", ".join(
            each % {"band": b.label, "low": f"{lo:g}", "high": f"{hi:g}"}
            for b, (lo, hi, _n) in zip(drawn, bands, strict=True)
        )
        description += " " + _("Bands: %(bands)s.") % {"bands": named}
    return Chart(slug, title, description, y_min, y_max, scaled, ticks, drawn, dates)


def _spread(points: list[Point], most: int) -> list[Point]:
    """`most` points evenly spread from the first to the last."""
    last = len(points) - 1
    return [points[round(i * last / (most - 1))] for i in range(most)]


def mood_chart(entries: list[dict[str, Any]]) -> Chart:
    """Mood (0-10) of the shared entries shown on the page."""
    points = [
        (
            e["written_at"],
            float(e["mood"]),
            _(str(e["phase"] or "between_windows").replace("_", " ").capitalize()),
        )
        for e in entries
        if e["mood"] is not None
    ]
    return series_chart("mood", _("Mood (0 to 10)"), points, y_min=0, y_max=10, unit=_("mood"))


def score_chart(series: dict[str, Any]) -> Chart:
    """One instrument's series from questionnaires.reading.score_series, on the fixed
    scale its data file gives, over its severity bands."""
    code = str(series["code"])
    instrument = catalogue().get(code)
    name = instrument.chart_name if instrument else code.upper()
    name = _(CHART_WORDS[name]) if name in CHART_WORDS else name  # abbreviations stay
    scale_top = instrument.chart_scale[1] if instrument else 0
    points = [
        (p["answered_at"], float(p["score"]), _(str(p["severity"] or "").replace("_", " ")))
        for p in series["points"]
        if p["score"] is not None
    ]
    top = max([float(scale_top), *(v for _at, v, _label in points)]) or 10.0
    bands = tuple((b.low, b.high, b.label) for b in instrument.bands) if instrument else ()
    chart = series_chart(
        code,
        _("%(name)s (0 to %(top)s)") % {"name": name, "top": f"{top:g}"},
        points,
        y_min=0,
        y_max=top,
        unit=name,
        bands=bands,
    )
    extra = []
    if series.get("change_pct") is not None:
        change = f"{series['change_pct']:+.0f}%"
        extra.append(_("Change from baseline: %(change)s.") % {"change": change})
    if series.get("response"):
        extra.append(_("Response: half the baseline score or less."))
    if series.get("remission"):
        extra.append(_("In remission."))
    if not extra:
        return chart
    return replace(chart, description=f"{chart.description} {' '.join(extra)}")


@dataclass(frozen=True)
class Band:
    x: float
    width: float


@dataclass(frozen=True)
class Timeline:
    """A window drawn to scale: its phases, the recommended range and the sessions in it."""

    width: int
    early: Band
    integration: Band
    recommended: Band
    marks: list[tuple[float, datetime]]
    now_x: float | None
    hours: int


def timeline(
    window: Window, scheduled: list[datetime], now: datetime, width: int = 600
) -> Timeline:
    start = window.opens_at
    end = max(window.closes_at, window.integration_ends_at)
    span = (end - start).total_seconds() or 1.0

    def x(t: datetime) -> float:
        return round(max(0.0, min(1.0, (t - start).total_seconds() / span)) * width, 1)

    def band(a: datetime, b: datetime) -> Band:
        return Band(x(a), max(0.0, x(b) - x(a)))

    mid = min(window.integration_starts_at, window.closes_at)
    return Timeline(
        width=width,
        early=band(start, mid),
        integration=band(mid, window.closes_at),
        recommended=band(window.integration_starts_at, window.integration_ends_at),
        marks=[(x(t), t) for t in scheduled],
        now_x=x(now) if start <= now <= end else None,
        hours=round(span / 3600),
    )
