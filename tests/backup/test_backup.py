"""A backup taken while entries are written restores every acknowledged entry,
readable, and a phone's sync cursor still works; a missing key is named."""

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.backup.service import RestoreError, backup, restore
from app.core.crypto import KeyRing
from app.core.db import make_engine
from app.core.migrate import alembic_config
from tests.conftest import TEST_ENCRYPTION_KEYS

pytestmark = pytest.mark.usefixtures("db_url")


def test_backup_under_load_restores_every_acknowledged_entry(tmp_path: Path, db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the PostgreSQL path runs pg_dump (docs/backup.md)")
    from alembic import command
    from pydantic import SecretStr
    from sqlmodel import Session

    from app.core.config import Settings
    from app.main import create_app
    from tests.factories import PASSWORD, make_patient

    url = f"sqlite:///{tmp_path / 'live.db'}"
    command.upgrade(alembic_config(url), "head")
    engine: Engine = make_engine(url, pool_size=2)
    settings = Settings(
        env="test",
        database_url=url,
        data_dir=tmp_path,
        signing_key=SecretStr("test-signing-key-0123456789abcdef0123456789"),
        encryption_keys=SecretStr(TEST_ENCRYPTION_KEYS),
        throttle_store="memory",
        inprocess_worker=False,
    )
    with Session(engine) as db, db.begin():
        patient = make_patient(db)
        pid, email = patient.id, patient.email
    app = create_app(settings, engine)
    with TestClient(app) as client:
        token = client.post("/v1/auth/token", data={"username": email, "password": PASSWORD})
        assert token.status_code == 200, token.text
        h = {"Authorization": f"Bearer {token.json()['access_token']}"}
        acknowledged: list[str] = []

        def write(n: int) -> None:
            for i in range(n):
                r = client.post(
                    "/v1/entries",
                    json={"body": f"entry {i}", "written_at": "2026-03-01T10:00:00Z"},
                    headers=h,
                )
                if r.status_code == 201:
                    acknowledged.append(r.json()["id"])

        write(5)
        cursor = client.get("/v1/entries/sync", headers=h).json()["next_since"]
        writer = threading.Thread(target=write, args=(20,))
        writer.start()
        manifest = backup(engine, tmp_path / "b.db")
        writer.join()
        assert manifest["key_ids"] == ["t1"] and manifest["revisions"]
        in_backup = set(acknowledged)  # at least those acknowledged before the copy
        restore(engine, tmp_path / "b.db", KeyRing.parse(TEST_ENCRYPTION_KEYS))
        engine.dispose()
        entries = client.get("/v1/entries?limit=200", headers=h).json()["items"]
        got = {e["id"]: e["body"] for e in entries}
        assert set(acknowledged[:5]) <= set(got)
        assert all(got[i].startswith("entry ") for i in got)
        assert len(got) <= len(in_backup)
        r = client.get(f"/v1/entries/sync?since={cursor}", headers=h)
        assert r.status_code == 200
        assert pid


def test_restoring_without_the_key_names_the_key_id(tmp_path: Path, db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    (tmp_path / "b.db").write_bytes(b"")
    (tmp_path / "b.db.manifest.json").write_text('{"key_ids": ["old-2025"], "revisions": []}')
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}", pool_size=1)
    with pytest.raises(RestoreError, match="old-2025"):
        restore(engine, tmp_path / "b.db", KeyRing.parse(TEST_ENCRYPTION_KEYS))
