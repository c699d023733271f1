"""Which sender the worker uses, and the in-process dispatcher's lifespan."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError
from sqlalchemy.engine import Engine

from app.core.config import Settings
from app.main import create_app
from app.notifications.senders import LogSender, WebhookSender
from app.notifications.sending import build_sender


def test_a_webhook_url_without_a_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="KAPJ_WEBHOOK_SECRET"):
        Settings(webhook_url="https://hooks.example/kapj")


def test_the_webhook_sender_is_chosen_with_its_timeout() -> None:
    assert isinstance(build_sender(Settings()), LogSender)
    sender = build_sender(
        Settings(
            webhook_url="https://hooks.example/kapj",
            webhook_secret=SecretStr("s3cret-value"),
            webhook_timeout_seconds=2,
        )
    )
    assert isinstance(sender, WebhookSender)
    assert sender.client.timeout.read == 2


def test_tests_never_start_the_in_process_dispatcher(settings: Settings, engine: Engine) -> None:
    app = create_app(settings, engine)
    with TestClient(app):
        assert app.state.worker is None


@pytest.mark.parametrize("enabled", [True, False])
def test_serve_runs_the_dispatcher_only_when_enabled(
    settings: Settings, engine: Engine, tmp_path: Path, enabled: bool
) -> None:
    embedded = settings.model_copy(
        update={"env": "development", "inprocess_worker": enabled, "notify_poll_seconds": 60}
    )
    app = create_app(embedded, engine)
    with TestClient(app):
        worker = app.state.worker
        assert (worker is not None and worker.running) is enabled
    assert worker is None or not worker.running
