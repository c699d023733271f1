"""A real server on 127.0.0.1 for the generated clients, and the clients themselves."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.clients.generate import generated
from tests.live import serve


@pytest.fixture(scope="session")
def clients() -> Path:
    return generated()


@pytest.fixture
def base_url(live_app: FastAPI) -> Iterator[str]:
    with serve(live_app) as url:
        yield url
