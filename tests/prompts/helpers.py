"""Reading the whole library through the paginated API."""

from typing import Any

from fastapi.testclient import TestClient


def all_prompts(client: TestClient, headers: dict[str, str], **params: str) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        r = client.get(
            "/v1/prompts",
            params=params | ({"cursor": cursor} if cursor else {}) | {"limit": "7"},
            headers=headers,
        )
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items
