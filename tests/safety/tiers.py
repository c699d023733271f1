"""One assertion the screen's rule tests share."""

from app.safety.screening import screen_text


def assert_tier(text: str, level: str) -> None:
    """The screen flags the text, at this tier."""
    hit = screen_text(text)
    assert hit is not None, text
    assert hit.level == level, (text, hit)
