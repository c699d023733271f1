"""A push setting that cannot work stops `serve` and `worker` at start, in one line."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.engine import Engine

from app.cli import main
from app.core.config import Settings, SettingsError, get_settings
from app.main import create_app
from tests.notifications.push_env import (
    KEY_ID,
    TEAM_ID,
    TOPIC,
    Keys,
    pem,
    push_keys,
    write_apns_key,
    write_service_account,
)

__all__ = ["push_keys"]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KAPJ_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("KAPJ_DATA_DIR", str(tmp_path))

    def fail_if_served(*_a: object, **_k: object) -> None:
        raise AssertionError("serve started despite a broken push setting")

    monkeypatch.setattr("uvicorn.run", fail_if_served)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def _apns(env: pytest.MonkeyPatch, key_file: Path, **over: str) -> None:
    values = {
        "KAPJ_APNS_KEY_FILE": str(key_file),
        "KAPJ_APNS_KEY_ID": KEY_ID,
        "KAPJ_APNS_TEAM_ID": TEAM_ID,
        "KAPJ_APNS_TOPIC": TOPIC,
    } | over
    for name, value in values.items():
        env.setenv(name, value)


def _one_line_error(capsys: pytest.CaptureFixture[str], command: list[str]) -> str:
    assert main(command) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kap-journal: ") and "\n" not in err
    return err


COMMANDS = [["serve"], ["worker", "--once"], ["worker"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_apns_key_file_stops_the_command(
    env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    _apns(env, tmp_path / "AuthKey_missing.p8")
    assert "KAPJ_APNS_KEY_FILE: cannot read" in _one_line_error(capsys, command)


@pytest.mark.parametrize("command", COMMANDS)
def test_an_apns_key_that_is_not_p256_stops_the_command(
    env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    push_keys: Keys,
    command: list[str],
) -> None:
    (tmp_path / "AuthKey.p8").write_bytes(pem(push_keys.fcm))  # an RSA key
    _apns(env, tmp_path / "AuthKey.p8")
    assert "not an EC P-256 key" in _one_line_error(capsys, command)


@pytest.mark.parametrize(
    ("over", "word"),
    [
        ({"KAPJ_APNS_TOPIC": ""}, "KAPJ_APNS_TOPIC is required"),
        ({"KAPJ_APNS_KEY_ID": "abc"}, "KAPJ_APNS_KEY_ID must be"),
        ({"KAPJ_APNS_ENDPOINT": "staging"}, "KAPJ_APNS_ENDPOINT must be"),
    ],
)
def test_incomplete_apns_settings_stop_the_worker(
    env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    push_keys: Keys,
    over: dict[str, str],
    word: str,
) -> None:
    _apns(env, write_apns_key(tmp_path / "AuthKey.p8", push_keys.apns), **over)
    assert word in _one_line_error(capsys, ["worker", "--once"])


@pytest.mark.parametrize(
    ("content", "word"),
    [
        ("not json", "not a JSON file"),
        (json.dumps({"type": "authorized_user"}), "not a service account key"),
        (json.dumps({"type": "service_account", "token_uri": "https://t"}), "no private_key"),
    ],
)
@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"]])
def test_a_broken_fcm_service_account_stops_the_command(
    env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    word: str,
    command: list[str],
) -> None:
    (tmp_path / "sa.json").write_text(content)
    env.setenv("KAPJ_FCM_CREDENTIALS_FILE", str(tmp_path / "sa.json"))
    assert word in _one_line_error(capsys, command)


def test_a_service_account_with_an_ec_key_is_refused(
    env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_service_account(
        tmp_path / "sa.json",
        ec.generate_private_key(ec.SECP256R1()),
        "https://t",  # type: ignore[arg-type]
    )
    env.setenv("KAPJ_FCM_CREDENTIALS_FILE", str(path))
    assert "not an RSA key" in _one_line_error(capsys, ["worker", "--once"])


def test_good_push_settings_let_the_worker_run(
    env: pytest.MonkeyPatch, tmp_path: Path, push_keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    _apns(env, write_apns_key(tmp_path / "AuthKey.p8", push_keys.apns))
    path = write_service_account(tmp_path / "sa.json", push_keys.fcm, "https://t.example/token")
    env.setenv("KAPJ_FCM_CREDENTIALS_FILE", str(path))
    assert main(["migrate"]) == 0
    assert main(["worker", "--once"]) == 0
    assert "sent 0" in capsys.readouterr().out


def test_the_app_itself_refuses_to_start_with_a_broken_push_setting(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    broken = settings.model_copy(
        update={"env": "development", "fcm_credentials_file": tmp_path / "absent.json"}
    )
    with pytest.raises(SettingsError, match="KAPJ_FCM_CREDENTIALS_FILE"):
        create_app(broken, engine)


def test_a_separate_worker_serves_its_push_counters(
    env: pytest.MonkeyPatch, tmp_path: Path, push_keys: Keys
) -> None:
    import socket

    import httpx

    _apns(env, write_apns_key(tmp_path / "AuthKey.p8", push_keys.apns))
    assert main(["migrate"]) == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["worker", "--once", "--metrics-port", str(port)]) == 0
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    assert "kapj_push_auth_failures_total" in metrics
