"""Tiers, denials the model may not overrule, and the error families of issue 21."""

import pytest

from app.safety.screening import screen_text


@pytest.mark.parametrize(
    "text",
    [
        "I bought a rope yesterday",
        "I have the pills saved up",
        "I cut my arms again last night",
        "quiero matar a mi padrastro",
        "in the past week I cut myself twice",
        "last thursday I took a handful of pills",
        "I keep the pills in my drawer just in case",
    ],
)
def test_plans_preparation_and_recent_acts_are_urgent(text: str) -> None:
    hit = screen_text(text)
    assert hit is not None and hit.level == "urgent", hit


@pytest.mark.parametrize(
    "text", ["I wish I could fall asleep and never wake up", "ya no quiero vivir"]
)
def test_a_passive_wish_is_for_review(text: str) -> None:
    hit = screen_text(text)
    assert hit is not None and hit.level == "review", hit


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to die, I want to live differently",
        "Not once this week did I think about self-harm",
        "No quiero morir, quiero vivir de otra manera",
        "Ni una vez esta semana pensé en hacerme daño",
        "Suicidal thoughts? No.",
        "I am more tired than wanting to die",
    ],
)
def test_the_model_may_not_overrule_a_denial(text: str) -> None:
    assert screen_text(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I'd kill for a coffee right now",
        "done with people-pleasing",
        "that project was a suicide mission",
        "I would rather die than sing karaoke",
    ],
)
def test_idioms_pass(text: str) -> None:
    assert screen_text(text) is None


@pytest.mark.parametrize("text", ["I want to hurt my ex", "quiero lastimar a mi jefe"])
def test_people_lists_name_exes_bosses_and_step_relatives(text: str) -> None:
    hit = screen_text(text)
    assert hit is not None and hit.category == "harm_to_others"


def test_a_hit_has_a_level_category_and_rule_never_the_text() -> None:
    hit = screen_text("tonight is the night")
    assert hit is not None
    assert (hit.level, hit.category, hit.rule) == ("urgent", "plan", "en_timing")
