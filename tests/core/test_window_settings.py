"""Window hours that contradict each other stop `serve` and `worker` at start, in one line."""

import pytest

from app.cli import main
from app.core.config import get_settings, window_hours_problem


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"KAPJ_INTEGRATION_START_HOURS": "60"}, "after the window closes"),
        (
            {"KAPJ_INTEGRATION_START_HOURS": "30", "KAPJ_INTEGRATION_END_HOURS": "26"},
            "KAPJ_INTEGRATION_END_HOURS is before",
        ),
        ({"KAPJ_ACUTE_HOURS": "24"}, "KAPJ_ACUTE_HOURS must end before"),
    ],
)
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_inconsistent_hours_refuse_to_start_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    says: str,
    command: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        assert main([command]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def test_the_default_hours_agree() -> None:
    assert (
        window_hours_problem(window=48, integration_start=24, integration_end=48, acute=2) is None
    )


def test_no_acute_hours_is_allowed() -> None:
    assert window_hours_problem(window=48, integration_start=0, integration_end=48, acute=0) is None
