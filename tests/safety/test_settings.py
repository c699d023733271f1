"""The escalation settings: on-call emails are checked when the app starts."""

import pytest
from pydantic import ValidationError

from app.core.config import Settings


@pytest.mark.parametrize(
    ("raw", "emails"),
    [
        ("", []),
        ("Oncall@Clinic.org", ["oncall@clinic.org"]),
        (" a@clinic.org , b@clinic.org ", ["a@clinic.org", "b@clinic.org"]),
        ('["a@clinic.org"]', ["a@clinic.org"]),
    ],
)
def test_on_call_emails_are_read_as_a_list(
    monkeypatch: pytest.MonkeyPatch, raw: str, emails: list[str]
) -> None:
    monkeypatch.setenv("KAPJ_SAFETY_ONCALL_EMAILS", raw)
    assert Settings().safety_oncall_emails == emails


@pytest.mark.parametrize("raw", ["not-an-email", "a@clinic.org,nobody", "a b@clinic.org"])
def test_a_malformed_on_call_email_stops_the_app(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("KAPJ_SAFETY_ONCALL_EMAILS", raw)
    with pytest.raises(ValidationError, match="KAPJ_SAFETY_ONCALL_EMAILS"):
        Settings()


@pytest.mark.parametrize("minutes", ["0", "-5", "1441"])
def test_an_escalation_time_out_of_range_stops_the_app(
    monkeypatch: pytest.MonkeyPatch, minutes: str
) -> None:
    monkeypatch.setenv("KAPJ_SAFETY_ESCALATION_MINUTES", minutes)
    with pytest.raises(ValidationError):
        Settings()
