"""Every list is a Page paged by `cursor`: the document says so and the server does it."""

from datetime import timedelta
from typing import Any

from tests.contract.spec import operations, spec
from tests.entries.conftest import Team


def test_every_list_takes_a_cursor_and_a_limit() -> None:
    document = spec()
    schemas = document["components"]["schemas"]
    missing = []
    for method, path, op in operations(document):
        if op.get("deprecated"):
            continue
        for content in op["responses"].get("200", {}).get("content", {}).values():
            name = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            if "next_cursor" in schemas.get(name, {}).get("properties", {}):
                params = {p["name"] for p in op.get("parameters", [])}
                if not {"cursor", "limit"} <= params:
                    missing.append(f"{method} {path}")
    assert missing == []


def _all(team: Team, url: str, headers: dict[str, str], **params: Any) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        r = team.client.get(
            url,
            params=params | {"limit": 1} | ({"cursor": cursor} if cursor else {}),
            headers=headers,
        )
        assert r.status_code == 200, r.text
        page = r.json()
        seen += [str(item.get("id") or item.get("patient", {}).get("id")) for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


def test_sessions_integration_sessions_and_the_queue_page_to_the_end(team: Team) -> None:
    now = team.clock.now
    ids = [team.session(now - timedelta(days=d)) for d in (30, 20, 10)]
    pid = str(team.patient.id)
    assert _all(team, "/v1/sessions", team.th, patient_id=pid) == ids[::-1]
    assert _all(team, "/v1/sessions", team.ph, patient_id=pid) == ids[::-1]
    for sid, days in zip(ids, (5, 6), strict=False):
        r = team.client.post(
            f"/v1/patients/{pid}/integration-sessions",
            json={"session_id": ids[-1], "scheduled_at": (now + timedelta(days=days)).isoformat()},
            headers=team.th,
        )
        assert r.status_code == 201, (sid, r.text)
    assert len(_all(team, f"/v1/patients/{pid}/integration-sessions", team.ph)) == 2
    assert _all(team, "/v1/therapist/queue", team.th) in ([], [pid])


def test_the_v1_1_session_list_is_still_an_array_and_says_it_is_deprecated(team: Team) -> None:
    team.session(team.clock.now - timedelta(days=3))
    r = team.client.get(f"/v1/patients/{team.patient.id}/sessions", headers=team.th)
    assert r.status_code == 200 and isinstance(r.json(), list) and len(r.json()) == 1
    assert r.headers["Deprecation"].startswith("@") and "Sunset" in r.headers
