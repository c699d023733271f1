"""The migrations build the schema the models describe, and run down and up."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.core.crypto import KeyRing
from app.core.migrate import alembic_config, current_revisions, head_revisions
from app.entries.models import JournalEntry
from tests.conftest import TEST_ENCRYPTION_KEYS, _wipe


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


def test_existing_fingerprints_are_rekeyed_and_notes_encrypted(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import hmac
    import uuid
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from sqlalchemy import text

    from app.core.config import get_settings
    from app.core.types import UTCDateTime

    monkeypatch.setenv("KAPJ_FINGERPRINT_KEY", "fingerprint-key-for-the-migration-test")
    monkeypatch.setenv("KAPJ_ENCRYPTION_KEYS", TEST_ENCRYPTION_KEYS)
    get_settings.cache_clear()
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "0009n")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    uid, live, gone = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    plain = hashlib.sha256(b"short text").hexdigest()
    try:
        with engine.begin() as conn:
            users = sa.table(
                "user_account",
                *(sa.column(c) for c in ("email", "display_name", "role", "timezone")),
                sa.column("id", sa.Uuid()),
                sa.column("password_hash"),
                sa.column("is_active", sa.Boolean()),
                sa.column("created_at", UTCDateTime()),
                sa.column("updated_at", UTCDateTime()),
            )
            conn.execute(
                users.insert(),
                {
                    "id": uid,
                    "email": "mig@clinic.example.org",
                    "display_name": "M",
                    "role": "patient",
                    "timezone": "UTC",
                    "password_hash": "",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            for eid, deleted, seq in ((live, None, 1), (gone, now, 2)):
                conn.execute(
                    JournalEntry.__table__.insert(),  # type: ignore[attr-defined]
                    {
                        "id": eid,
                        "patient_id": uid,
                        "body_ciphertext": None,
                        "written_at": now,
                        "client_written_at": now,
                        "utc_offset_minutes": 0,
                        "written_at_adjusted": False,
                        "is_shared": True,
                        "version": 1,
                        "change_seq": seq,
                        "request_hash": plain,
                        "created_at": now,
                        "updated_at": now,
                        "deleted_at": deleted,
                    },
                )
            sessions = sa.table(
                "ketamine_session",
                sa.column("id", sa.Uuid()),
                sa.column("patient_id", sa.Uuid()),
                sa.column("recorded_by", sa.Uuid()),
                sa.column("administered_at", UTCDateTime()),
                sa.column("created_at", UTCDateTime()),
                sa.column("updated_at", UTCDateTime()),
                sa.column("route"),
                sa.column("note"),
                sa.column("is_self_reported", sa.Boolean()),
            )
            conn.execute(
                sessions.insert(),
                {
                    "id": uid,
                    "patient_id": uid,
                    "recorded_by": uid,
                    "administered_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "route": "im",
                    "note": "an old plain note",
                    "is_self_reported": True,
                },
            )
            prompts = sa.table(
                "prompt",
                sa.column("id", sa.Uuid()),
                sa.column("patient_id", sa.Uuid()),
                sa.column("created_by", sa.Uuid()),
                sa.column("technique"),
                sa.column("phases", sa.JSON()),
                sa.column("title"),
                sa.column("text"),
                sa.column("minutes", sa.Integer()),
                sa.column("locale"),
                sa.column("created_at", UTCDateTime()),
                sa.column("updated_at", UTCDateTime()),
            )
            conn.execute(
                prompts.insert(),
                {
                    "id": uid,
                    "patient_id": uid,
                    "created_by": uid,
                    "technique": "capture",
                    "phases": ["early"],
                    "title": "old title",
                    "text": "old text",
                    "minutes": 5,
                    "locale": "en",
                    "created_at": now,
                    "updated_at": now,
                },
            )
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            custom = conn.execute(
                text(
                    "SELECT title, text, custom_ciphertext FROM prompt WHERE patient_id IS NOT NULL"
                )
            ).one()
            hashes = dict(conn.execute(text("SELECT id, request_hash FROM journal_entry")).all())
            sealed = conn.execute(
                sa.select(sa.column("note_ciphertext", sa.LargeBinary())).select_from(
                    sa.table("ketamine_session")
                )
            ).scalar_one()
        ring = KeyRing.parse(TEST_ENCRYPTION_KEYS)
        assert ring.decrypt(bytes(sealed), aad=b"ketamine_session.note") == "an old plain note"
        assert (custom[0], custom[1]) == ("", "")
        opened = ring.decrypt(bytes(custom[2]), aad=b"prompt.custom")
        assert opened == '{"title": "old title", "text": "old text"}'
        key = b"fingerprint-key-for-the-migration-test"
        expected = hmac.new(key, plain.encode(), hashlib.sha256).hexdigest()
        by_id = {uuid.UUID(str(k)): v for k, v in hashes.items()}
        assert by_id[live] == expected
        assert by_id[gone] == ""
    finally:
        command.upgrade(cfg, "head")
        get_settings.cache_clear()
        _wipe(engine)


def test_existing_answers_and_doses_are_encrypted_and_come_back_down(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uuid
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from app.core.config import get_settings
    from app.core.types import UTCDateTime

    monkeypatch.setenv("KAPJ_ENCRYPTION_KEYS", TEST_ENCRYPTION_KEYS)
    get_settings.cache_clear()
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "30_push_token_moves")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    uid = uuid.uuid4()
    answers = {"phq9_1": 2, "phq9_9": 1}
    users = sa.table(
        "user_account",
        *(sa.column(c) for c in ("email", "display_name", "role", "timezone", "password_hash")),
        sa.column("id", sa.Uuid()),
        sa.column("is_active", sa.Boolean()),
        sa.column("created_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()),
    )
    sessions = sa.table(
        "ketamine_session",
        *(sa.column(c) for c in ("route",)),
        *(sa.column(c, sa.Uuid()) for c in ("id", "patient_id", "recorded_by")),
        *(sa.column(c, UTCDateTime()) for c in ("administered_at", "created_at", "updated_at")),
        sa.column("dose_mg", sa.Float()),
        sa.column("is_self_reported", sa.Boolean()),
    )
    responses = sa.table(
        "questionnaire_response",
        *(sa.column(c) for c in ("code", "instrument_version", "severity", "request_hash")),
        *(sa.column(c, sa.Uuid()) for c in ("id", "patient_id")),
        *(sa.column(c, UTCDateTime()) for c in ("answered_at", "client_answered_at", "created_at")),
        sa.column("answers", sa.JSON()),
        sa.column("score", sa.Integer()),
        sa.column("answered_at_adjusted", sa.Boolean()),
        sa.column("is_late", sa.Boolean()),
        sa.column("change_seq", sa.BigInteger()),
    )
    try:
        with engine.begin() as conn:
            conn.execute(
                users.insert(),
                {
                    "id": uid,
                    "email": "seal@clinic.example.org",
                    "display_name": "S",
                    "role": "patient",
                    "timezone": "UTC",
                    "password_hash": "",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            conn.execute(
                sessions.insert(),
                {
                    "id": uid,
                    "patient_id": uid,
                    "recorded_by": uid,
                    "route": "im",
                    "administered_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "dose_mg": 52.5,
                    "is_self_reported": False,
                },
            )
            conn.execute(
                responses.insert(),
                {
                    "id": uid,
                    "patient_id": uid,
                    "code": "phq9",
                    "instrument_version": "v",
                    "severity": "minimal",
                    "request_hash": "",
                    "answered_at": now,
                    "client_answered_at": now,
                    "created_at": now,
                    "answers": answers,
                    "score": 3,
                    "answered_at_adjusted": False,
                    "is_late": False,
                    "change_seq": 1,
                },
            )
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            sealed_answers = conn.execute(
                sa.text("SELECT answers_ciphertext, score FROM questionnaire_response")
            ).one()
            sealed_dose = conn.execute(
                sa.text("SELECT dose_mg_ciphertext FROM ketamine_session")
            ).scalar_one()
            columns = {c["name"] for c in inspect(conn).get_columns("questionnaire_response")}
        assert "answers" not in columns
        assert b"phq9_1" not in bytes(sealed_answers[0]) and sealed_answers[1] == 3
        ring = KeyRing.parse(TEST_ENCRYPTION_KEYS)
        opened = ring.decrypt(bytes(sealed_answers[0]), aad=b"questionnaire_response.answers")
        assert opened == '{"phq9_1":2,"phq9_9":1}'
        assert ring.decrypt(bytes(sealed_dose), aad=b"ketamine_session.dose_mg") == "52.5"
        command.downgrade(cfg, "30_push_token_moves")
        with engine.connect() as conn:
            back = conn.execute(sa.select(responses.c.answers)).scalar_one()
            dose = conn.execute(sa.select(sessions.c.dose_mg)).scalar_one()
        assert back == answers and dose == 52.5
    finally:
        command.upgrade(cfg, "head")
        get_settings.cache_clear()
        _wipe(engine)
