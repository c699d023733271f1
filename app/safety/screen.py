"""The text screen's entry point: a screen, not a diagnosis (see docs/screen.md).

`screen_text` is the seam the safety service calls; what stands behind it lives in
the `app.safety.screening` package (normalisation, rules, ConText).
"""

from app.safety.screening import ScreenHit, screen_text

__all__ = ["ScreenHit", "screen_text"]
