"""Headers the server sends are declared on the response that sends them."""

from typing import Any

import httpx

from tests.contract.spec import spec
from tests.entries.conftest import Team
from tests.questionnaires.conftest import gad7

# Headers a client acts on; each one sent must be in the operation's document.
API_HEADERS = ("etag", "idempotent-replayed", "location", "deprecation", "sunset", "retry-after")


def _undeclared(r: httpx.Response, method: str, path: str) -> list[str]:
    op: dict[str, Any] = spec()["paths"][path][method.lower()]
    declared = {h.lower() for h in op["responses"][str(r.status_code)].get("headers", {})}
    sent = {h.lower() for h in r.headers if h.lower() in API_HEADERS}
    return sorted(sent - declared)


def test_the_safety_plan_etag_and_the_replayed_answer_are_declared(team: Team) -> None:
    plan = {"warning_signs": ["I stop sleeping"], "reasons_for_living": ["My daughter"]}
    put = team.client.put("/v1/me/safety-plan", json=plan, headers=team.ph)
    get = team.client.get("/v1/me/safety-plan", headers=team.ph)
    seen = _undeclared(put, "PUT", "/v1/me/safety-plan")
    seen += _undeclared(get, "GET", "/v1/me/safety-plan")
    body = {"code": "gad7", "answers": gad7(0, 0, 0, 0, 0, 0, 0), "id": str(team.patient.id)}
    body["answered_at"] = team.clock.now.isoformat()
    for _ in range(2):
        r = team.client.post("/v1/questionnaire-responses", json=body, headers=team.ph)
        seen += _undeclared(r, "POST", "/v1/questionnaire-responses")
    assert r.headers.get("Idempotent-Replayed") == "true"
    assert get.headers.get("ETag")
    assert seen == []


def test_accept_language_is_spelt_one_way() -> None:
    names = {
        p["name"]
        for item in spec()["paths"].values()
        for op in item.values()
        for p in op.get("parameters", [])
        if p["name"].lower() == "accept-language"
    }
    assert names == {"Accept-Language"}
