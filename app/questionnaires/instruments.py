"""The shipped instruments, read once from instruments.json, and answer checking.

Everything about an instrument lives in its entry in the data file: items, texts,
scoring rule, range, bands, remission limit, chart scale, default schedule and the
answers that raise a safety flag. This is the only module that reads the file.
Item ids are written in the file and never change, so stored answers stay valid
when a text is corrected.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from app.questionnaires.errors import AnswersInvalid, QuestionnaireNotFound, UnknownQuestionnaire

LOCALES = ("en", "es")


def known_code(code: str, loc: tuple[str, ...] = ("body", "code")) -> "Instrument":
    """The instrument named in a request body or query; 422 naming the field if unknown."""
    found = catalogue().get(code)
    if found is None:
        raise UnknownQuestionnaire(
            f"Unknown questionnaire code {code[:40]!r}.",
            extra={"errors": [{"loc": list(loc), "msg": "unknown code", "type": "unknown_code"}]},
        )
    return found


@dataclass(frozen=True)
class Item:
    id: str
    type: str  # choice | text
    values: frozenset[int]
    required: bool
    enable_when: tuple[str, int] | None
    max_length: int
    raw: Mapping[str, Any]

    @property
    def always_asked(self) -> bool:
        """Required in every answer: not optional, and asked whatever else was answered."""
        return self.required and self.enable_when is None


@dataclass(frozen=True)
class Band:
    label: str
    low: int
    high: int


@dataclass(frozen=True)
class SafetyRule:
    """Answers that raise a flag: an item at or above a value, or a result's severity."""

    rule: str
    level: str  # urgent | review
    item: str | None = None
    at_least: int = 1
    severity: str | None = None


@dataclass(frozen=True)
class Instrument:
    code: str
    raw: Mapping[str, Any]
    items: tuple[Item, ...]

    @property
    def version(self) -> str:
        """The English text's version label."""
        return self.version_for("en")

    def verified_in(self, locale: str) -> bool:
        """Whether a verified translation in `locale` ships (English is the original)."""
        return bool(self.raw["translations"].get(locale, {}).get("verified"))

    def shown_locale(self, locale: str | None) -> str:
        return locale if locale and self.verified_in(locale) else "en"

    def version_for(self, locale: str | None) -> str:
        """Each language's text carries its own version label."""
        return str(self.raw["translations"][self.shown_locale(locale)]["version"])

    @property
    def total_loinc(self) -> str | None:
        value = self.raw["loinc"]["total"]
        return str(value) if value else None

    @property
    def rule(self) -> str:
        """How it is scored: "sum" of the scored items, or a rule named in scoring.py."""
        return str(self.raw["scoring"]["rule"])

    @property
    def score_range(self) -> tuple[int, int] | None:
        found = self.raw["scoring"].get("range")
        return (int(found[0]), int(found[1])) if found else None

    @property
    def bands(self) -> tuple[Band, ...]:
        return _bands(self.raw["scoring"].get("bands", []))

    @property
    def markers(self) -> tuple[Band, ...]:
        """Score ranges worth naming beside the band (e.g. the PCL-5 cut-off range)."""
        return _bands(self.raw["scoring"].get("markers", []))

    @property
    def levels(self) -> tuple[str, ...]:
        """The named results of a rule that is not a sum, lowest first."""
        return tuple(self.raw["scoring"].get("levels", ()))

    @property
    def remission_below(self) -> int | None:
        found = self.raw["scoring"].get("remission_below")
        return int(found) if found is not None else None

    @property
    def scored_items(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items if i.raw.get("scored") and i.type == "choice")

    @property
    def note_item(self) -> str | None:
        """The free-text item kept apart from the answers (encrypted, screened)."""
        found = self.raw["scoring"].get("note_item")
        return str(found) if found else None

    @property
    def charted(self) -> bool:
        return self.raw.get("chart") is not None

    @property
    def chart_name(self) -> str:
        chart = self.raw.get("chart") or {}
        return str(chart.get("name") or self.code.upper())

    @property
    def chart_scale(self) -> tuple[float, float]:
        chart = self.raw.get("chart") or {}
        low, high = chart.get("scale") or self.score_range or (0, 0)
        return float(low), float(high)

    @property
    def schedule(self) -> dict[str, Any]:
        """The clinic's default plan for this instrument (see schedule.Plan)."""
        return dict(self.raw.get("schedule") or {})

    @property
    def safety_rules(self) -> tuple[SafetyRule, ...]:
        return tuple(SafetyRule(**r) for r in self.raw.get("safety", []))


def _bands(raw: list[Mapping[str, Any]]) -> tuple[Band, ...]:
    return tuple(Band(str(b["label"]), int(b["low"]), int(b["high"])) for b in raw)


def _item(raw: Mapping[str, Any]) -> Item:
    when = raw.get("enable_when")
    return Item(
        id=raw["id"],
        type=raw["type"],
        values=frozenset(int(o["value"]) for o in raw.get("options", [])),
        required=bool(raw.get("required", True)),
        enable_when=(when["item"], int(when["value"])) if when else None,
        max_length=int(raw.get("max_length", 0)),
        raw=raw,
    )


@cache
def catalogue() -> dict[str, Instrument]:
    text = resources.files("app.questionnaires").joinpath("instruments.json").read_text("utf-8")
    out = {}
    for raw in json.loads(text)["instruments"]:
        out[raw["code"]] = Instrument(raw["code"], raw, tuple(_item(i) for i in raw["items"]))
    return out


def codes() -> list[str]:
    return list(catalogue())


def charted_codes() -> tuple[str, ...]:
    """The instruments drawn as charts and listed in the integration summary."""
    return tuple(c for c, i in catalogue().items() if i.charted)


def default_schedules() -> dict[str, dict[str, Any]]:
    """Each instrument's default plan, for instruments that fall due on their own."""
    return {c: i.schedule for c, i in catalogue().items() if i.schedule}


def get_instrument(code: str) -> Instrument:
    found = catalogue().get(code)
    if found is None:
        raise QuestionnaireNotFound()
    return found


def pick_locale(requested: str | None, accept_language: str | None) -> str:
    """`?locale=` first, then the first supported Accept-Language tag, else English."""
    if requested and requested.split("-")[0].lower() in LOCALES:
        return requested.split("-")[0].lower()
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().split("-")[0].lower()
        if tag in LOCALES:
            return tag
    return "en"


def _text(texts: Mapping[str, str], locale: str) -> str:
    return texts.get(locale) or texts["en"]


def localized(instrument: Instrument, locale: str) -> dict[str, Any]:
    """The instrument as the app shows it; English where no translation ships."""
    raw = instrument.raw
    shown = instrument.shown_locale(locale)
    return {
        "code": instrument.code,
        "title": _text(raw["title"], shown),
        "version": instrument.version_for(shown),
        "copyright": raw["copyright"],
        "locale": shown,
        "translation_available": shown == locale,
        "loinc_panel": raw["loinc"]["panel"],
        "loinc_total": raw["loinc"]["total"],
        "preamble": _text(raw["preamble"], shown),
        "score_range": list(instrument.score_range) if instrument.score_range else None,
        "bands": [{"label": b.label, "low": b.low, "high": b.high} for b in instrument.bands],
        "items": [
            {
                "id": i["id"],
                "type": i["type"],
                "text": _text(i["text"], shown),
                "required": bool(i.get("required", True)),
                "enable_when": i.get("enable_when"),
                "loinc": i.get("loinc"),
                "options": [
                    {"value": o["value"], "text": _text(o["text"], shown)}
                    for o in i.get("options", [])
                ],
            }
            for i in raw["items"]
        ],
    }


def _enabled(item: Item, answers: Mapping[str, object]) -> bool:
    if item.enable_when is None:
        return True
    other, value = item.enable_when
    return answers.get(other) == value


@cache
def note_items() -> frozenset[str]:
    """The ids of the free-text items (v1.1 clients sent their text inside `answers`)."""
    return frozenset(i.note_item for i in catalogue().values() if i.note_item)


def _storable(text: str, max_length: int) -> bool:
    # NUL cannot be stored on PostgreSQL and a lone surrogate cannot be encrypted.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return len(text) <= max_length and "\x00" not in text


def unanswered(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int]:
    """Follow-up items whose condition was met but that were left out, each with the
    answer that suggests most risk: what scoring counts them as (docs/measurement.md)."""
    return {
        i.id: max(i.values)
        for i in instrument.items
        if i.enable_when is not None and i.values and _enabled(i, answers) and i.id not in answers
    }


def check_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int | str]:
    """The answers if every item is valid; else 422 naming each bad item. Stores nothing.

    What the request's schema states (bodies.py): the items always asked are required,
    the others optional, each value one of its options. Nothing else is refused: a
    follow-up left out is scored as its riskiest answer (scoring.score), and a yes to a
    follow-up not asked is kept and scored, so no answer that suggests risk is lost."""
    errors: list[dict[str, Any]] = []

    def bad(item_id: str, msg: str, kind: str) -> None:
        # The id is echoed back: a lone surrogate in it must not break the JSON answer.
        shown = item_id[:64].encode("utf-8", "backslashreplace").decode("utf-8")
        errors.append({"loc": ["body", "answers", shown], "msg": msg, "type": kind})

    known = {i.id: i for i in instrument.items}
    for key in answers:
        if key not in known:
            bad(key, "not an item of this questionnaire", "unknown_item")
    clean: dict[str, int | str] = {}
    for item in instrument.items:
        value = answers.get(item.id)
        if value is None:
            if item.always_asked:
                bad(item.id, "missing", "missing")
            continue
        if item.type == "text":
            if not isinstance(value, str) or not _storable(value, item.max_length):
                bad(item.id, f"text of at most {item.max_length} characters", "invalid_text")
            elif value.strip():
                clean[item.id] = value
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
            bad(item.id, f"must be one of {sorted(item.values)}", "out_of_range")
            continue
        if value == 0 and not _enabled(item, answers):
            continue  # a "no" to a question that was not asked tells nothing
        clean[item.id] = value
    if errors:
        detail = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in errors)[:1000]
        raise AnswersInvalid(detail, extra={"errors": errors})
    return clean
