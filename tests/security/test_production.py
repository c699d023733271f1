"""Production hardening: headers, docs, metrics, keys, the demo and the webhook."""

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError
from sqlalchemy.engine import Engine

from app.cli import main
from app.core.config import Settings, get_settings
from app.main import create_app

KEY = "k1:" + base64.b64encode(b"p" * 32).decode()
SIGNING = "a-production-signing-key-of-40-bytes-xx"


def _production(db_url: str, tmp_path: Path, **kw: object) -> Settings:
    kw.setdefault("safety_oncall_emails", ["oncall@clinic.example.org"])
    return Settings(
        env="production",
        database_url=db_url,
        data_dir=tmp_path,
        signing_key=SecretStr(SIGNING),
        encryption_keys=SecretStr(KEY),
        inprocess_worker=False,
        invitation_delivery="email",
        smtp_url=SecretStr("smtp://127.0.0.1:2525"),
        smtp_from="clinic@example.org",
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def prod_client(db_url: str, tmp_path: Path, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(_production(db_url, tmp_path), engine)) as c:
        yield c


def test_every_response_says_nosniff_and_no_referrer(client: TestClient) -> None:
    for r in (client.get("/healthz"), client.get("/v1/me"), client.get("/nope")):
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in r.headers  # not outside production


def test_production_answers_with_hsts(prod_client: TestClient) -> None:
    r = prod_client.get("/healthz")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_docs_are_off_in_production(prod_client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert prod_client.get(path).status_code == 404, path


def test_docs_can_be_published_in_production_on_purpose(
    db_url: str, tmp_path: Path, engine: Engine
) -> None:
    app = create_app(_production(db_url, tmp_path, public_docs=True), engine)
    with TestClient(app) as c:
        assert c.get("/openapi.json").status_code == 200


def test_docs_stay_on_in_development(client: TestClient) -> None:
    assert client.get("/openapi.json").status_code == 200


def test_metrics_need_a_token_in_production(
    prod_client: TestClient, db_url: str, tmp_path: Path, engine: Engine
) -> None:
    assert prod_client.get("/metrics").status_code == 401
    app = create_app(_production(db_url, tmp_path, metrics_token=SecretStr("m" * 32)), engine)
    with TestClient(app) as c:
        assert c.get("/metrics").status_code == 401
        ok = c.get("/metrics", headers={"Authorization": "Bearer " + "m" * 32})
        assert ok.status_code == 200


def test_production_refuses_a_short_signing_key() -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        Settings(env="production", signing_key=SecretStr("x" * 31), encryption_keys=SecretStr(KEY))
    Settings(
        env="production",
        signing_key=SecretStr("x" * 32),
        encryption_keys=SecretStr(KEY),
        invitation_delivery="email",
        smtp_url=SecretStr("smtp://127.0.0.1:2525"),
        smtp_from="clinic@example.org",
        safety_oncall_emails=["oncall@clinic.example.org"],
    )


def test_production_refuses_a_plain_http_webhook() -> None:
    with pytest.raises(ValidationError, match="https"):
        Settings(
            env="production",
            signing_key=SecretStr(SIGNING),
            encryption_keys=SecretStr(KEY),
            webhook_url="http://hooks.example.org/kapj",
            webhook_secret=SecretStr("w" * 32),
        )
    Settings(webhook_url="http://localhost:9000/hook", webhook_secret=SecretStr("w" * 32))


def test_seed_demo_refuses_to_run_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KAPJ_ENV", "production")
    monkeypatch.setenv("KAPJ_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("KAPJ_SIGNING_KEY", SIGNING)
    monkeypatch.setenv("KAPJ_ENCRYPTION_KEYS", KEY)
    monkeypatch.setenv("KAPJ_SAFETY_NO_ONCALL", "true")
    get_settings.cache_clear()
    try:
        assert main(["seed-demo"]) == 2
        assert "production" in capsys.readouterr().err
        assert not (tmp_path / "prod.db").exists()
    finally:
        get_settings.cache_clear()


def test_production_names_its_on_call_staff_or_says_it_has_none(
    db_url: str, tmp_path: Path
) -> None:
    """Urgent flags page the on-call staff: forgetting them must stop the start."""
    with pytest.raises(ValidationError, match="KAPJ_SAFETY_ONCALL_EMAILS"):
        _production(db_url, tmp_path, safety_oncall_emails=[])
    with pytest.raises(ValidationError, match="KAPJ_SAFETY_NO_ONCALL=true contradicts"):
        _production(db_url, tmp_path, safety_no_oncall=True)
    none = _production(db_url, tmp_path, safety_oncall_emails=[], safety_no_oncall=True)
    assert (none.safety_oncall_emails, none.safety_no_oncall) == ([], True)
    named = _production(db_url, tmp_path)
    assert named.safety_oncall_emails == ["oncall@clinic.example.org"]
    # Outside production nothing is asked: a developer's machine has no on-call staff.
    assert Settings(env="development").safety_oncall_emails == []


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"]])
def test_serve_and_worker_refuse_to_start_without_on_call(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import uvicorn

    from app import cli

    def started(*_a: object, **_k: object) -> int:
        raise AssertionError("the command ran")

    monkeypatch.setattr(uvicorn, "run", started)
    monkeypatch.setattr(cli, "cmd_migrate", started)
    monkeypatch.setattr(cli, "cmd_worker", started)
    env = {
        "KAPJ_ENV": "production",
        "KAPJ_DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
        "KAPJ_SIGNING_KEY": SIGNING,
        "KAPJ_ENCRYPTION_KEYS": KEY,
        "KAPJ_INVITATION_DELIVERY": "email",
        "KAPJ_SMTP_URL": "smtp://127.0.0.1:2525",
        "KAPJ_SMTP_FROM": "clinic@example.org",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("KAPJ_SAFETY_ONCALL_EMAILS", raising=False)
    monkeypatch.delenv("KAPJ_SAFETY_NO_ONCALL", raising=False)
    get_settings.cache_clear()
    try:
        assert main(command) == 2
        assert "KAPJ_SAFETY_ONCALL_EMAILS" in capsys.readouterr().err
        # Said explicitly, the same settings pass (and reach the command, stubbed here).
        monkeypatch.setenv("KAPJ_SAFETY_NO_ONCALL", "true")
        get_settings.cache_clear()
        with pytest.raises(AssertionError, match="the command ran"):
            main(command)
    finally:
        get_settings.cache_clear()
