"""Every route of the therapist's half answers 401 without a token, as problem+json."""

import uuid

import pytest
from fastapi.testclient import TestClient

# Fixed ids (none exists): the test ids must be the same in every pytest-xdist worker.
P, S, X = (uuid.uuid5(uuid.NAMESPACE_URL, f"kapj-signed-out-{n}") for n in "psx")
ROUTES = [
    ("GET", "/v1/therapist/queue"),
    ("GET", f"/v1/patients/{P}/sessions/{S}/summary"),
    ("POST", f"/v1/patients/{P}/integration-sessions"),
    ("GET", f"/v1/patients/{P}/integration-sessions"),
    ("GET", f"/v1/patients/{P}/integration-sessions/{X}"),
    ("PATCH", f"/v1/patients/{P}/integration-sessions/{X}"),
    ("DELETE", f"/v1/patients/{P}/integration-sessions/{X}"),
    ("PUT", f"/v1/entries/{X}/review"),
    ("GET", f"/v1/patients/{P}/entries?reviewed=false"),
    ("POST", f"/v1/safety-flags/{X}/acknowledge"),
    ("GET", "/v1/safety"),
    ("GET", "/v1/me/access-log"),
    ("GET", f"/v1/audit?patient_id={P}"),
    ("GET", "/v1/me/export?format=fhir"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_no_token_answers_401(client: TestClient, method: str, path: str) -> None:
    r = client.request(method, path, json={} if method in ("POST", "PATCH", "PUT") else None)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
