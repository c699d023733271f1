"""Backups that restore: a consistent copy, plus a manifest of what it needs.

SQLite: the online backup API, consistent while the server writes. PostgreSQL:
pg_dump (custom format) and pg_restore; production should use base backups with WAL
archiving (docs/backup.md). Beside PATH, PATH.manifest.json names the migration
revision and the encryption key ids the data needs, never a key.
"""

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from app.core.crypto import KeyRing
from app.core.migrate import current_revisions


class RestoreError(RuntimeError):
    """A backup that cannot be restored here, with the reason in words."""


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def key_ids_in_use(engine: Engine) -> list[str]:
    """The key id of every ciphertext: the header is version | kid length | kid | ..."""
    kids: set[str] = set()
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, sa.LargeBinary):
                    for (blob,) in conn.execute(sa.select(column).where(column.is_not(None))):
                        blob = bytes(blob)
                        if len(blob) > 2:
                            kids.add(blob[2 : 2 + blob[1]].decode(errors="replace"))
    return sorted(kids)


def backup(engine: Engine, path: Path) -> dict[str, Any]:
    url = make_url(str(engine.url))
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(str(url.database))
        target = sqlite3.connect(str(path))
        with target:
            source.backup(target)  # the online backup API: pages copied consistently
        source.close()
        target.close()
    else:
        subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", f"--file={path}", _libpq(url)],  # noqa: S607
            check=True,
        )
    manifest = {
        "format": 1,
        "backend": url.get_backend_name(),
        "revisions": sorted(current_revisions(engine)),
        "key_ids": key_ids_in_use(engine),
    }
    _manifest_path(path).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(engine: Engine, path: Path, keyring: KeyRing) -> dict[str, Any]:
    """Check the keys first: a restore that cannot decrypt the journal is refused."""
    manifest_file = _manifest_path(path)
    if not path.exists() or not manifest_file.exists():
        raise RestoreError(f"no backup at {path} (with its manifest)")
    manifest: dict[str, Any] = json.loads(manifest_file.read_text())
    missing = [k for k in manifest["key_ids"] if k not in keyring.keys]
    if missing:
        raise RestoreError(
            f"the backup needs encryption key id {missing[0]!r}, which KAPJ_ENCRYPTION_KEYS "
            "does not hold; add it (kid:base64key) and restore again"
        )
    url = make_url(str(engine.url))
    engine.dispose()
    if url.get_backend_name() == "sqlite":
        database = Path(str(url.database))
        for suffix in ("-wal", "-shm"):
            Path(str(database) + suffix).unlink(missing_ok=True)
        shutil.copyfile(path, database)
    else:
        subprocess.run(  # noqa: S603
            [  # noqa: S607  (the operator's pg_restore, from PATH)
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={_libpq(url)}",
                str(path),
            ],
            check=True,
        )
    return manifest


def _libpq(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
