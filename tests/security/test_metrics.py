"""/metrics: behind its token, and nothing in it names a person."""

import re

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.main import create_app
from tests.entries.conftest import Team, iso
from tests.factories import make_patient

RISKY = "Some days I want to die."
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


def _labels(text: str) -> set[str]:
    return {
        v
        for line in text.splitlines()
        if not line.startswith("#")
        for v in re.findall(r'="([^"]*)"', line)
    }


def test_a_patients_activity_leaves_no_id_address_or_words_in_metrics(
    team: Team, db: Session
) -> None:
    r = team.client.post(
        "/v1/entries",
        json={"body": RISKY, "written_at": iso(team.clock.now)},
        headers=team.ph,
    )
    assert r.status_code == 201 and r.json()["safety"]["flagged"]
    entry_id = r.json()["id"]
    team.client.get(f"/v1/entries/{entry_id}", headers=team.ph)
    team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th)
    team.client.get(f"/v1/patients/{make_patient(db).id}/entries", headers=team.th)  # 404
    team.client.get(f"/v1/no-such-route/{team.patient.id}")  # unmatched
    text = team.client.get("/metrics").text
    assert "kapj_safety_flags_raised_total" in text  # the flag is counted, by rule
    assert 'route="/v1/patients/{patient_id}/entries"' in text
    labels = _labels(text)
    assert not any(UUID.search(v) for v in labels), [v for v in labels if UUID.search(v)]
    assert not any("@" in v or "want to die" in v.lower() for v in labels)
    assert str(team.patient.id) not in text and team.patient.email not in text
    assert "testclient" not in text  # no client address


def test_a_made_up_method_makes_no_new_series(client: TestClient) -> None:
    for i in range(50):
        client.request(f"PROBE{i}", "/healthz")
    text = client.get("/metrics").text
    assert "PROBE" not in text
    assert 'method="OTHER"' in text


def test_metrics_stay_behind_their_token(settings: Settings, engine: Engine) -> None:
    settings.metrics_token = SecretStr("scrape-token-123456")
    with TestClient(create_app(settings, engine)) as c:
        for sent in (
            None,
            "Bearer wrong",
            "Bearer scrape-token-12345\u00e9",
            "scrape-token-123456",
        ):
            headers = {} if sent is None else {"Authorization": sent.encode("latin-1")}
            r = c.get("/metrics", headers=headers)
            assert r.status_code == 401, sent
            assert r.headers["content-type"] == "application/problem+json"
            assert "kapj_" not in r.text
        ok = c.get("/metrics", headers={"Authorization": "Bearer scrape-token-123456"})
        assert ok.status_code == 200 and "kapj_http_requests_total" in ok.text
