"""Running Alembic from the application and checking the schema is at head."""

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

_ROOT = Path(__file__).resolve().parents[2]


def _migrations_dir() -> Path:
    for candidate in (_ROOT / "migrations", Path.cwd() / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise RuntimeError("the migrations folder was not found")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def head_revisions(url: str) -> set[str]:
    return set(_script_heads())


@cache
def _script_heads() -> frozenset[str]:
    # The heads depend on the shipped migration files only, not on the database: read
    # (and compile) them once per process, not for every app made.
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def current_revisions(bind: Engine | Connection) -> set[str]:
    if isinstance(bind, Connection):
        return set(MigrationContext.configure(bind).get_current_heads())
    with bind.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())
