"""/docs and /redoc work without internet: every asset they load is served by the app."""

import hashlib
import json
import re

from fastapi.testclient import TestClient

from app.api.docs import STATIC


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)=["\']([^"\']+)["\']', html)


def test_the_api_docs_load_only_files_the_app_serves(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200
        assets = _assets(r.text)
        assert assets, page
        for url in assets:
            assert url.startswith("/"), f"{page} loads {url} from elsewhere"
            assert client.get(url).status_code == 200, url


def test_the_shipped_files_are_the_pinned_packages() -> None:
    pinned = json.loads((STATIC / "packages.json").read_text())
    for name, digest in pinned["sha256"].items():
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name
