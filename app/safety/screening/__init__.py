"""The text screen: normalisation, rules and ConText (see docs/screen.md)."""

from app.safety.screening.engine import ScreenHit, screen_text

__all__ = ["ScreenHit", "screen_text"]
