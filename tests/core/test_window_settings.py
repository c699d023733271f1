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
        (
            {"KAPJ_ACUTE_HOURS_BY_ROUTE": '{"iv": 2, "oral": 24}'},
            "KAPJ_ACUTE_HOURS_BY_ROUTE['oral'] must end before",
        ),
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


def test_acute_hours_per_route_are_read_from_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPJ_ACUTE_HOURS_BY_ROUTE", '{"oral": 3, "iv": 1.5}')
    get_settings.cache_clear()
    try:
        assert get_settings().acute_hours_by_route == {"oral": 3, "iv": 1.5}
    finally:
        get_settings.cache_clear()


def test_an_unknown_route_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPJ_ACUTE_HOURS_BY_ROUTE", '{"pill": 3}')
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="pill"):
            get_settings()
    finally:
        get_settings.cache_clear()
