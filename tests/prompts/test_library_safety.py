"""What the library promises about the patient's state, read from the files themselves:
acute prompts never send the patient back into the session, and every guided-imagery
prompt shows the way back to the room, in English and in Spanish."""

import re
import uuid
from typing import Any

import pytest

from app.prompts.library import library, translations

SERVED = [p for p in library() if not p.get("retired")]
SPANISH = translations("es")


def _texts(prompt: dict[str, Any]) -> list[tuple[str, str]]:
    return [("en", prompt["text"]), ("es", SPANISH[uuid.UUID(prompt["id"])]["text"])]


def _slug(prompt: dict[str, Any]) -> str:
    return str(prompt["slug"])


# Words that ask for the session's content again: its story, a scene, a recall.
RELIVING = {
    "en": [
        r"from start to (end|finish)",
        r"from (the )?beginning to (the )?end",
        r"during the session",
        r"in the session",
        r"about the session",
        r"(go|going|take yourself) back (in)?to",
        r"back (in)?to the session",
        r"bring back",
        r"bring to mind",
        r"\brecall",
        r"\bremember",
        r"\brelive",
        r"\breplay",
        r"\bscene\b",
        r"what happened",
    ],
    "es": [
        r"desde el principio hasta el final",
        r"de principio a fin",
        r"durante la sesión",
        r"en la sesión",
        r"sobre la sesión",
        r"vuelve a (la sesión|ese momento|esa escena)",
        r"trae a la mente",
        r"\brecuerda",
        r"\brevive",
        r"\bescena\b",
        r"lo que pasó",
    ],
}

# The way back: open the eyes or look around, and feel the floor or the chair.
EYES = {"en": r"open your eyes|look around the room", "es": r"abre los ojos|mira a tu alrededor"}
ANCHOR = {"en": r"\bfloor\b|\bchair\b", "es": r"\bsuelo\b|\bsilla\b"}
EYES_OPEN = {"en": r"eyes open|or open\b", "es": r"ojos abiertos|o abiertos"}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s]


def reliving(locale: str, text: str) -> list[str]:
    return [w for w in RELIVING[locale] if re.search(w, text, re.IGNORECASE)]


def has_way_back(locale: str, text: str) -> bool:
    return any(
        re.search(EYES[locale], s, re.IGNORECASE) and re.search(ANCHOR[locale], s, re.IGNORECASE)
        for s in _sentences(text)
    )


@pytest.mark.parametrize("prompt", [p for p in SERVED if "acute" in p["phases"]], ids=_slug)
def test_acute_prompts_never_send_the_patient_back_into_the_session(
    prompt: dict[str, Any],
) -> None:
    for locale, text in _texts(prompt):
        assert not reliving(locale, text), (prompt["slug"], locale)


@pytest.mark.parametrize(
    "prompt", [p for p in SERVED if p["technique"] == "guided_imagery"], ids=_slug
)
def test_every_imagery_prompt_shows_the_way_back_to_the_room(prompt: dict[str, Any]) -> None:
    for locale, text in _texts(prompt):
        assert has_way_back(locale, text), (prompt["slug"], locale)


def test_acute_imagery_offers_to_keep_the_eyes_open() -> None:
    acute = [p for p in SERVED if "acute" in p["phases"] and p["technique"] == "guided_imagery"]
    assert acute
    for p in acute:
        for locale, text in _texts(p):
            assert re.search(EYES_OPEN[locale], text, re.IGNORECASE), (p["slug"], locale)


def test_only_grounding_capture_and_imagery_are_acute() -> None:
    techniques = {p["technique"] for p in SERVED if "acute" in p["phases"]}
    assert techniques == {"capture", "mindfulness", "guided_imagery"}


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "Describe how the weather changed from start to end."),
        ("en", "Gently bring back one scene from the session."),
        ("es", "Cuenta cómo fue cambiando desde el principio hasta el final."),
    ],
)
def test_the_reliving_check_catches_a_recall_of_the_session(locale: str, text: str) -> None:
    assert reliving(locale, text)


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "Picture a soft light. Write what you noticed."),
        ("es", "Imagina una luz suave. Escribe lo que notaste."),
    ],
)
def test_the_way_back_check_catches_imagery_without_one(locale: str, text: str) -> None:
    assert not has_way_back(locale, text)
