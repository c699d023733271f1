"""Which new passwords are accepted: not common, not breached, not the old one."""

from zxcvbn import zxcvbn

from app.accounts.errors import WeakPassword

# zxcvbn scores 0-4; below 3 means fewer than 10^8 guesses, which an offline
# attack on a leaked hash or a patient attacker online would reach.
MIN_SCORE = 3


def check_new_password(password: str, *, context: list[str]) -> None:
    """Refuse common, breached-list and guessable passwords, offline.

    zxcvbn ships frequency lists of leaked passwords, names and words, and
    penalises passwords built from `context` (the account's email and name).
    """
    # zxcvbn's cost grows with length; the first 100 characters decide it.
    result = zxcvbn(password[:100], user_inputs=[c for c in context if c])
    if int(result["score"]) < MIN_SCORE:
        hint = result.get("feedback", {}).get("warning") or "Use a longer, less common phrase."
        raise WeakPassword(f"Choose another password: {hint}")
