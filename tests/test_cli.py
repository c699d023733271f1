"""The kap-journal command line."""

import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.core.config import get_settings


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("KAPJ_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("KAPJ_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    assert main(["migrate"]) == 0
    yield db
    get_settings.cache_clear()


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_create_user_then_duplicate_fails_with_one_line(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "create-user",
        "--email",
        "Ops@Clinic.example.org",
        "--password",
        "long-enough-pw",
        "--role",
        "admin",
    ]
    assert main(args) == 0
    assert "created admin ops@clinic.example.org" in capsys.readouterr().out
    assert main([*args[:2], "ops@clinic.example.org", *args[3:]]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "exists" in err
    assert _count(cli_env, "SELECT count(*) FROM user_account") == 1


@pytest.mark.parametrize(
    ("extra", "word"),
    [(["--timezone", "Nowhere/City"], "timezone"), (["--password", "short"], "password")],
)
def test_bad_arguments_fail_with_one_line(
    cli_env: Path, capsys: pytest.CaptureFixture[str], extra: list[str], word: str
) -> None:
    base = [
        "create-user",
        "--email",
        "a@clinic.example.org",
        "--password",
        "long-enough-pw",
        "--role",
        "patient",
    ]
    assert main(base + extra) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and word in err
    assert _count(cli_env, "SELECT count(*) FROM user_account") == 0


def test_unknown_role_is_refused_by_the_parser(cli_env: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "create-user",
                "--email",
                "a@clinic.example.org",
                "--password",
                "x" * 12,
                "--role",
                "root",
            ]
        )
    assert exc.value.code == 2


def test_seed_demo_is_safe_to_run_again(cli_env: Path) -> None:
    assert main(["seed-demo"]) == 0
    counts = [
        _count(cli_env, f"SELECT count(*) FROM {t}")
        for t in ("user_account", "ketamine_session", "journal_entry", "care_team_member")
    ]
    assert main(["seed-demo"]) == 0
    again = [
        _count(cli_env, f"SELECT count(*) FROM {t}")
        for t in ("user_account", "ketamine_session", "journal_entry", "care_team_member")
    ]
    assert counts == again
    assert counts[0] >= 8 and counts[1] >= 4 and counts[2] >= 5
    # A Spanish-speaking patient, with entries in her window.
    spanish = "SELECT id FROM user_account WHERE locale = 'es'"
    assert _count(cli_env, f"SELECT count(*) FROM ({spanish}) AS s") == 1
    assert (
        _count(cli_env, f"SELECT count(*) FROM journal_entry WHERE patient_id IN ({spanish})") == 2
    )
    # One demo patient has a window open right now.
    open_now = _count(
        cli_env,
        "SELECT count(*) FROM ketamine_session WHERE administered_at > datetime('now', '-48 hours')",
    )
    assert open_now >= 1


def test_invalid_settings_fail_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KAPJ_ENV", "production")
    monkeypatch.delenv("KAPJ_SIGNING_KEY", raising=False)
    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 2
    finally:
        get_settings.cache_clear()
    assert "KAPJ_SIGNING_KEY" in capsys.readouterr().err


def test_care_team_changes_from_the_command_line_are_audited_and_told_to_the_patient(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for email, role in (
        ("admin@clinic.example.org", "admin"),
        ("pat@clinic.example.org", "patient"),
        ("dr@clinic.example.org", "therapist"),
    ):
        create = ["create-user", "--email", email, "--password", "long-enough-pw", "--role", role]
        assert main(create) == 0
    team = ["--patient", "pat@clinic.example.org", "--therapist", "dr@clinic.example.org"]
    admin = ["--admin", "admin@clinic.example.org"]
    assert main(["care-team", "add", *team, *admin]) == 0
    assert _count(cli_env, "SELECT count(*) FROM care_team_member") == 1
    assert main(["care-team", "remove", *team, *admin]) == 0
    assert _count(cli_env, "SELECT count(*) FROM care_team_member") == 0
    actions = (
        "SELECT count(*) FROM audit_event WHERE action IN ('care_team.add', 'care_team.remove')"
    )
    assert _count(cli_env, actions) == 2
    told = "SELECT count(*) FROM notification WHERE kind LIKE 'care_team%'"
    assert _count(cli_env, told) == 2
    # A therapist named where the admin should be is refused, with one line.
    assert main(["care-team", "add", *team, "--admin", "dr@clinic.example.org"]) == 2
    assert "no active admin" in capsys.readouterr().err
