"""Health, readiness, metrics, OpenAPI and CORS when configured."""

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from app.core.config import Settings
from app.main import create_app


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_migrated(client: TestClient) -> None:
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readyz_is_503_when_the_schema_is_behind(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    app.state.migration_heads = {"some-future-revision"}
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["Retry-After"]


def test_metrics_count_requests_by_route(client: TestClient) -> None:
    client.get("/healthz")
    text = client.get("/metrics").text
    assert 'kapj_http_requests_total{method="GET",route="/healthz",status="200"}' in text


def test_metrics_token_when_configured(settings: Settings, engine: Engine) -> None:
    settings.metrics_token = SecretStr("scrape-token-123456")
    with TestClient(create_app(settings, engine)) as c:
        assert c.get("/metrics").status_code == 401
        ok = c.get("/metrics", headers={"Authorization": "Bearer scrape-token-123456"})
        assert ok.status_code == 200


def test_cors_allows_configured_origins(settings: Settings, engine: Engine) -> None:
    settings.cors_origins = ["https://app.clinic.example.org"]
    with TestClient(create_app(settings, engine)) as c:
        r = c.options(
            "/v1/me",
            headers={
                "Origin": "https://app.clinic.example.org",
                "Access-Control-Request-Method": "GET",
            },
        )
    assert r.headers["access-control-allow-origin"] == "https://app.clinic.example.org"


def test_openapi_operation_ids_and_problem_media_type(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ops = {
        op["operationId"]: op
        for path in spec["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert "createUser" in ops
    assert "createToken" in ops
    for op in ops.values():
        assert len(op.get("tags", [])) == 1
        for code, resp in op["responses"].items():
            if code == "default" or int(code) >= 400:
                assert list(resp["content"]) == ["application/problem+json"], op["operationId"]
