"""The screen is bounded: linear work and fixed memory whatever the text."""

import random
import time
import tracemalloc
from typing import Any

import pytest

from app.entries import service as entry_service
from app.safety.screening import ScreenHit, screen_text
from app.safety.screening.engine import NORMALISER
from app.safety.screening.normalise import MAX_LOOKUPS, MAX_TOKEN
from app.usecases import entries as usecase
from tests.entries.conftest import Team


def adversarial(size: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    heads = ["suicid", "overdos", "myselff", "kil", "unaliv", "sewersl", "pastill"]
    while sum(map(len, parts)) < size:
        kind = rng.random()
        if kind < 0.4:
            parts.append(
                rng.choice(heads) + "".join(rng.choices("abcdefxyz", k=rng.randint(5, 60)))
            )
        elif kind < 0.8:
            parts.append(rng.choice(["no.", "a.", "die.", "k i l l.", "I'm not suicidal."]))
        else:
            parts.append('"' * rng.randint(1, 8) + "kill myself" + "'" * rng.randint(1, 8))
    return " ".join(parts)[:size]


def test_long_made_up_words_are_cut_and_looked_up_a_bounded_number_of_times() -> None:
    NORMALISER.speller._lookup.cache_clear()
    text = " ".join("suicid" + "x" * i for i in range(3000))
    norm = NORMALISER.text(text)
    assert max(map(len, norm.split())) <= MAX_TOKEN
    assert NORMALISER.speller._lookup.cache_info().currsize <= MAX_LOOKUPS


def test_a_20000_character_adversarial_entry_finishes_quickly_in_bounded_memory() -> None:
    text = adversarial(20_000)
    tracemalloc.start()
    start = time.process_time()
    screen_text(text)
    elapsed = time.process_time() - start
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2.0  # generous: the bench measures the real figure
    assert peak < 32 * 1024 * 1024


def test_one_huge_word_takes_no_longer_than_ordinary_text() -> None:
    start = time.process_time()
    screen_text("s" + "uicid" * 4000)
    assert time.process_time() - start < 2.0


def test_the_screen_runs_before_the_patients_lock_is_taken(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow screen must never hold the lock every write of this patient waits on."""
    order: list[str] = []
    real_screen, real_claim = usecase.screen_text, entry_service.claim_seqs

    def screen(text: str) -> ScreenHit | None:
        order.append("screen")
        return real_screen(text)

    def claim(*args: Any, **kwargs: Any) -> Any:
        order.append("lock")
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(usecase, "screen_text", screen)
    monkeypatch.setattr(entry_service, "claim_seqs", claim)
    safety = team.write(team.clock.now, body="I bought a rope yesterday.")["safety"]
    assert safety["level"] == "urgent"
    assert order[:2] == ["screen", "lock"]
