"""A question put to the writer and answered no, and negation inside what the
model reads (docs/screen.md, "A question answered no")."""

import pytest

from app.safety.screening.engine import screen_text
from app.safety.screening.features import features


@pytest.mark.parametrize(
    "text",
    [
        "My therapist asked if I had thought about hurting myself since last time, "
        "and I sat with it honestly and the answer is no.",
        "I asked myself whether I still want to die. Nope.",
        "Me pregunté bien en serio si todavía tengo ganas de morirme. Y nel, ya no.",
    ],
)
def test_a_question_answered_no_is_not_flagged(text: str) -> None:
    assert screen_text(text) is None


def test_what_is_said_after_the_answer_still_counts() -> None:
    hit = screen_text(
        "They asked if I had thoughts of suicide and I said no but I have the pills ready"
    )
    assert hit is not None and hit.level == "urgent"


def test_a_question_not_answered_no_is_still_read() -> None:
    assert screen_text("I keep asking myself whether I want to die and the answer is yes")


def test_negated_words_are_other_features_than_the_same_words_said() -> None:
    said, denied = set(features("i want to die")), set(features("i do not want to die"))
    assert "want to" in said and "want" in said
    assert "want" not in denied and "!want" in denied and "!want !to" in denied
    # The scope ends at the clause: what follows "but" is read as said.
    assert "tired" in features("i do not want to die , but i am tired")
