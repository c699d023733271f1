"""A backup taken while entries are written, then the database destroyed and restored:
every acknowledged entry comes back readable with its reviews and flags, and a phone's
sync cursor still works. A missing key is refused, naming the key id, on both paths.

SQLite always; PostgreSQL (pg_dump / pg_restore) when KAPJ_TEST_POSTGRES_URL is set.
"""

import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from app.backup.service import RestoreError, backup, restore
from app.cli import main as cli
from app.core.config import Settings, get_settings
from app.core.crypto import KeyRing
from app.core.db import make_engine
from app.core.migrate import alembic_config
from app.main import create_app
from tests.conftest import POSTGRES_URL, TEST_ENCRYPTION_KEYS
from tests.factories import PASSWORD, make_patient, make_therapist

RISKY = "Some days I want to die."
WRITTEN_AT = "2026-03-01T10:00:00Z"
KEYS = KeyRing.parse(TEST_ENCRYPTION_KEYS)


@dataclass
class Clinic:
    """An app on its own database (commits for real), a patient and her therapist."""

    client: TestClient
    ph: dict[str, str]
    th: dict[str, str]
    patient_id: uuid.UUID
    acknowledged: dict[str, str] = field(default_factory=dict)  # entry id -> body

    def write(self, body: str) -> str | None:
        r = self.client.post(
            "/v1/entries", json={"body": body, "written_at": WRITTEN_AT}, headers=self.ph
        )
        if r.status_code != 201:
            return None
        self.acknowledged[r.json()["id"]] = body
        return str(r.json()["id"])


def _token(client: TestClient, email: str) -> dict[str, str]:
    r = client.post("/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def open_clinic(tmp_path: Path) -> Iterator[Callable[[str], tuple[Clinic, Engine]]]:
    clients: list[TestClient] = []

    def _open(url: str) -> tuple[Clinic, Engine]:
        command.upgrade(alembic_config(url), "head")
        engine = make_engine(url, pool_size=2)
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
            therapist = make_therapist(db, patients=(patient,))
            pid, p_email, t_email = patient.id, patient.email, therapist.email
        client = TestClient(create_app(settings, engine))
        client.__enter__()
        clients.append(client)
        return Clinic(client, _token(client, p_email), _token(client, t_email), pid), engine

    yield _open
    for client in clients:
        client.__exit__(None, None, None)


@dataclass
class Before:
    """What the clinic held before the backup began, and the phone's cursor then."""

    entries: dict[str, str]
    reviews: dict[str, str]  # entry id -> the therapist's note
    open_flag: str  # entry id of an open flag
    closed_flag: str  # entry id of an acknowledged flag
    cursor: str


def _before(c: Clinic) -> Before:
    ids = [c.write(f"entry {i}") for i in range(4)]
    assert all(ids)
    reviews = {}
    for i, entry_id in enumerate(ids[:2]):
        note = f"review note {i}"
        r = c.client.put(f"/v1/entries/{entry_id}/review", json={"note": note}, headers=c.th)
        assert r.status_code in (200, 201), r.text
        reviews[str(entry_id)] = note
    open_flag, closed_flag = c.write(RISKY), c.write(RISKY + " Still.")
    assert open_flag and closed_flag
    flags = c.client.get("/v1/safety-flags", headers=c.th).json()["items"]
    to_close = next(f["id"] for f in flags if f["entry_id"] == closed_flag)
    r = c.client.post(
        f"/v1/safety-flags/{to_close}/acknowledge",
        json={"outcome": "contacted_patient", "note": "Called; safe at home."},
        headers=c.th,
    )
    assert r.status_code == 200, r.text
    cursor = c.client.get("/v1/entries/sync", headers=c.ph).json()["next_since"]
    return Before(dict(c.acknowledged), reviews, open_flag, closed_flag, cursor)


def _backup_under_load(c: Clinic, engine: Engine, path: Path) -> dict[str, Any]:
    writer = threading.Thread(target=lambda: [c.write(f"load {i}") for i in range(20)])
    writer.start()
    manifest = backup(engine, path)
    writer.join()
    assert manifest["key_ids"] == ["t1"] and manifest["revisions"]
    return manifest


def _check_restored(c: Clinic, before: Before) -> None:
    # The patient reads every entry back, with its text.
    mine = c.client.get("/v1/entries?limit=200", headers=c.ph)
    assert mine.status_code == 200, mine.text
    got = {e["id"]: e["body"] for e in mine.json()["items"]}
    assert before.entries.items() <= got.items()
    # Nothing comes back that was never acknowledged, and each reads as written.
    assert got.items() <= c.acknowledged.items()

    # The care team reads the reviews (notes decrypted) and the flags with their outcomes.
    team = c.client.get(f"/v1/patients/{c.patient_id}/entries?limit=200", headers=c.th)
    assert team.status_code == 200, team.text
    notes = {e["id"]: [r["note"] for r in e["reviews"]] for e in team.json()["items"]}
    for entry_id, note in before.reviews.items():
        assert notes[entry_id] == [note]
    open_ = c.client.get("/v1/safety-flags", headers=c.th).json()["items"]
    assert before.open_flag in {f["entry_id"] for f in open_}
    done = c.client.get("/v1/safety-flags?status=acknowledged", headers=c.th).json()["items"]
    (closed,) = [f for f in done if f["entry_id"] == before.closed_flag]
    assert (closed["outcome"], closed["note"]) == ("contacted_patient", "Called; safe at home.")

    # The phone's cursor from before the backup: accepted, and it brings exactly what
    # the restored database holds beyond it; the next token then brings nothing.
    r = c.client.get(f"/v1/entries/sync?since={before.cursor}&limit=500", headers=c.ph)
    assert r.status_code == 200, r.text
    synced = {ch["id"] for ch in r.json()["changes"]}
    assert synced == set(got) - set(before.entries)
    again = c.client.get(f"/v1/entries/sync?since={r.json()['next_since']}", headers=c.ph)
    assert again.status_code == 200 and again.json()["changes"] == []


def test_sqlite_backup_under_load_destroy_restore_reads_everything(
    tmp_path: Path, open_clinic: Callable[[str], tuple[Clinic, Engine]]
) -> None:
    live = tmp_path / "live.db"
    c, engine = open_clinic(f"sqlite:///{live}")
    before = _before(c)
    _backup_under_load(c, engine, tmp_path / "b.db")
    # Destroy the database: the file and its journal are gone.
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    assert not live.exists()
    restore(engine, tmp_path / "b.db", KEYS)
    _check_restored(c, before)


@pytest.fixture
def scratch_pg() -> Iterator[str]:
    """A database of its own on the test server, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("KAPJ_TEST_POSTGRES_URL not set: the pg_dump/pg_restore path needs a server")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    name = f"kapj_backup_{uuid.uuid4().hex[:12]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    _admin(f"CREATE DATABASE {name}")
    yield url
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _admin(statement: str) -> None:
    assert POSTGRES_URL is not None
    server = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(statement))
    server.dispose()


def test_postgres_backup_under_load_destroy_restore_reads_everything(
    tmp_path: Path, scratch_pg: str, open_clinic: Callable[[str], tuple[Clinic, Engine]]
) -> None:
    c, engine = open_clinic(scratch_pg)
    before = _before(c)
    _backup_under_load(c, engine, tmp_path / "b.dump")
    # Destroy the database: dropped and created again, empty.
    engine.dispose()
    name = make_url(scratch_pg).database
    _admin(f"DROP DATABASE {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT to_regclass('journal_entry')")).scalar() is None
    restore(engine, tmp_path / "b.dump", KEYS)
    engine.dispose()
    _check_restored(c, before)


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Callable[[str, str], None]]:
    def _set(url: str, keys: str) -> None:
        monkeypatch.setenv("KAPJ_DATABASE_URL", url)
        monkeypatch.setenv("KAPJ_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("KAPJ_ENCRYPTION_KEYS", keys)
        get_settings.cache_clear()

    yield _set
    get_settings.cache_clear()


OTHER_KEYS = "t2:" + TEST_ENCRYPTION_KEYS.split(":", 1)[1]


def _refused_naming_the_key(
    url: str, path: Path, cli_env: Callable[[str, str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    # The journal is encrypted under key id t1; this server holds only t2.
    cli_env(url, TEST_ENCRYPTION_KEYS)
    assert cli(["backup", str(path)]) == 0
    cli_env(url, OTHER_KEYS)
    capsys.readouterr()
    assert cli(["restore", str(path)]) == 2
    err = capsys.readouterr().err
    assert "restore refused" in err and "'t1'" in err
    with pytest.raises(RestoreError, match="encryption key id 't1'"):
        restore(make_engine(url, pool_size=1), path, KeyRing.parse(OTHER_KEYS))


def test_sqlite_restore_without_the_key_names_the_key_id(
    tmp_path: Path,
    open_clinic: Callable[[str], tuple[Clinic, Engine]],
    cli_env: Callable[[str, str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    c, engine = open_clinic(url)
    assert c.write("a line under key t1")
    engine.dispose()
    _refused_naming_the_key(url, tmp_path / "b.db", cli_env, capsys)
    # Refused before touching anything: the entry is still there.
    assert c.client.get("/v1/entries", headers=c.ph).json()["items"]


def test_postgres_restore_without_the_key_names_the_key_id(
    tmp_path: Path,
    scratch_pg: str,
    open_clinic: Callable[[str], tuple[Clinic, Engine]],
    cli_env: Callable[[str, str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    c, engine = open_clinic(scratch_pg)
    assert c.write("a line under key t1")
    engine.dispose()
    _refused_naming_the_key(scratch_pg, tmp_path / "b.dump", cli_env, capsys)
    assert c.client.get("/v1/entries", headers=c.ph).json()["items"]
