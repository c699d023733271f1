"""More simultaneous writers than worker threads: every one is answered, none is lost.

SQLite takes one writer at a time. Writers waiting their turn must not hold the
worker threads the current writer needs to finish, or the server stops answering.
"""

import asyncio
from pathlib import Path

import httpx

from tests.faults.process import cli, create_patient, entry_body, serve, server_env

WRITERS = 64  # above the 40 worker threads a server has
EACH = 2


async def _post_all(url: str, headers: dict[str, str]) -> list[int]:
    limits = httpx.Limits(max_connections=WRITERS, max_keepalive_connections=WRITERS)
    # A liveness bound: a stuck server fails here instead of hanging the suite.
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60, limits=limits) as http:

        async def writer(n: int) -> list[int]:
            return [
                (await http.post("/v1/entries", json=entry_body(n, i))).status_code
                for i in range(EACH)
            ]

        results = await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    return [code for codes in results for code in codes]


def test_more_writers_than_threads_are_all_answered(tmp_path: Path) -> None:
    env = server_env(f"sqlite:///{tmp_path / 'writers.db'}", tmp_path)
    cli(env, "migrate")
    email = create_patient(env)
    with serve(env, tmp_path / "server.log") as server:
        headers = server.sign_in(email)
        codes = asyncio.run(_post_all(server.url, headers))
        assert codes == [201] * (WRITERS * EACH)
        page = httpx.get(server.url + "/v1/entries?limit=200", headers=headers, timeout=30)
    assert page.status_code == 200
    assert len(page.json()["items"]) == WRITERS * EACH
