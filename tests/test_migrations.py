"""The migrations build the schema the models describe, and run down and up."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.core.migrate import alembic_config, current_revisions, head_revisions
from tests.conftest import _wipe


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "render_as_batch": conn.dialect.name == "sqlite"},
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_alembic_check_finds_no_drift(engine: Engine, db_url: str) -> None:
    command.check(alembic_config(db_url))


def test_downgrade_to_base_and_upgrade_to_head(engine: Engine, db_url: str) -> None:
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "base")
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    command.upgrade(cfg, "head")
    assert current_revisions(engine) == head_revisions(db_url)
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
    _wipe(engine)  # the tests after this one expect the prompt library
