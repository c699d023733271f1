"""accounts you can trust: invitations, TOTP and recovery codes, sign-in details,
untrusted client request ids, keyed entry fingerprints, author-only review notes,
one device row per account and push token, the session note and custom prompts encrypted

Revision ID: 11_accounts_you_can_trust
Revises: 0010
Create Date: 2026-12-01 10:40:00

The data step re-keys the stored request fingerprints: each plain SHA-256 hex
digest becomes HMAC-SHA256(fingerprint key, digest), which is what the service
now computes, so retries of existing entries still replay. Deleted entries lose
theirs. Going down cannot undo an HMAC: fingerprints are then emptied, which
only means an old retry answers 409 instead of replaying.
"""

import hashlib
import hmac
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types

revision: str = "11_accounts_you_can_trust"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fingerprint_key() -> bytes:
    from app.core.config import get_settings

    return get_settings().resolved_fingerprint_key()


def _rekey_fingerprints() -> None:
    conn = op.get_bind()
    entries = sa.table(
        "journal_entry",
        sa.column("id", sa.Uuid()),
        sa.column("request_hash", sa.String()),
        sa.column("deleted_at", app.core.types.UTCDateTime(timezone=True)),
    )
    keys = sa.table(
        "idempotency_key",
        sa.column("user_id", sa.Uuid()),
        sa.column("key", sa.String()),
        sa.column("entry_id", sa.Uuid()),
        sa.column("request_hash", sa.String()),
    )
    # Deleted entries: nothing to replay, so nothing to keep.
    deleted = sa.select(entries.c.id).where(entries.c.deleted_at.is_not(None))
    conn.execute(sa.update(entries).where(entries.c.deleted_at.is_not(None)).values(request_hash=""))
    conn.execute(sa.update(keys).where(keys.c.entry_id.in_(deleted)).values(request_hash=""))
    rows = conn.execute(
        sa.select(entries.c.id, entries.c.request_hash).where(entries.c.request_hash != "")
    ).all()
    if not rows and not conn.execute(sa.select(keys.c.key).limit(1)).first():
        return
    key = _fingerprint_key()

    def mac(digest: str) -> str:
        return hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()

    for entry_id, digest in rows:
        conn.execute(
            sa.update(entries).where(entries.c.id == entry_id).values(request_hash=mac(digest))
        )
    for user_id, name, digest in conn.execute(
        sa.select(keys.c.user_id, keys.c.key, keys.c.request_hash).where(keys.c.request_hash != "")
    ).all():
        conn.execute(
            sa.update(keys)
            .where(keys.c.user_id == user_id, keys.c.key == name)
            .values(request_hash=mac(digest))
        )


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("voided_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_invitation_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_user_id"), ["user_id"], unique=False)

    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_recovery_code_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("totp_confirmed_at", app.core.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))

    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_used_at", app.core.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("user_agent", sa.String(length=64), nullable=True))

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_request_id", sa.String(length=64), nullable=True))

    with op.batch_alter_table("entry_review", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "visibility", sa.String(length=16), nullable=False, server_default="care_team"
            )
        )

    # A push token may be bound to several accounts, each binding its own row.
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_constraint("uq_device_token", type_="unique")
        batch_op.create_unique_constraint("uq_device_user_id_token", ["user_id", "token"])
        batch_op.create_index("ix_device_token", ["token"], unique=False)

    _rekey_fingerprints()
    _seal_session_notes()
    _seal_custom_prompts()


def _prompts() -> sa.TableClause:
    return sa.table(
        "prompt",
        sa.column("id", sa.Uuid()),
        sa.column("patient_id", sa.Uuid()),
        sa.column("title", sa.String()),
        sa.column("text", sa.Text()),
        sa.column("custom_ciphertext", sa.LargeBinary()),
    )


def _seal_custom_prompts() -> None:
    """Custom prompts keep their title and text encrypted, as JSON, in one column."""
    import json

    from app.core.config import get_settings
    from app.core.crypto import KeyRing

    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("custom_ciphertext", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    prompts = _prompts()
    rows = conn.execute(
        sa.select(prompts.c.id, prompts.c.title, prompts.c.text).where(
            prompts.c.patient_id.is_not(None)
        )
    ).all()
    if not rows:
        return
    keyring = KeyRing.parse(get_settings().resolved_encryption_keys())
    for prompt_id, title, text in rows:
        sealed = json.dumps({"title": title, "text": text}, ensure_ascii=False)
        conn.execute(
            sa.update(prompts)
            .where(prompts.c.id == prompt_id)
            .values(
                title="",
                text="",
                custom_ciphertext=keyring.encrypt(sealed, aad=b"prompt.custom"),
            )
        )


def _unseal_custom_prompts() -> None:
    import json

    from app.core.config import get_settings
    from app.core.crypto import KeyRing

    conn = op.get_bind()
    prompts = _prompts()
    rows = conn.execute(
        sa.select(prompts.c.id, prompts.c.custom_ciphertext).where(
            prompts.c.custom_ciphertext.is_not(None)
        )
    ).all()
    if rows:
        keyring = KeyRing.parse(get_settings().resolved_encryption_keys())
        for prompt_id, blob in rows:
            sealed = json.loads(keyring.decrypt(bytes(blob), aad=b"prompt.custom"))
            conn.execute(
                sa.update(prompts)
                .where(prompts.c.id == prompt_id)
                .values(title=sealed["title"], text=sealed["text"])
            )
    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.drop_column("custom_ciphertext")


def _seal_session_notes() -> None:
    """The session note moves to an encrypted column; existing notes are encrypted."""
    from app.core.config import get_settings
    from app.core.crypto import KeyRing

    with op.batch_alter_table("ketamine_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note_ciphertext", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    sessions = sa.table(
        "ketamine_session",
        sa.column("id", sa.Uuid()),
        sa.column("note", sa.String()),
        sa.column("note_ciphertext", sa.LargeBinary()),
    )
    rows = conn.execute(
        sa.select(sessions.c.id, sessions.c.note).where(sessions.c.note.is_not(None))
    ).all()
    if rows:
        keyring = KeyRing.parse(get_settings().resolved_encryption_keys())
        for session_id, note in rows:
            conn.execute(
                sa.update(sessions)
                .where(sessions.c.id == session_id)
                .values(note_ciphertext=keyring.encrypt(note, aad=b"ketamine_session.note"))
            )
    with op.batch_alter_table("ketamine_session", schema=None) as batch_op:
        batch_op.drop_column("note")


def _unseal_session_notes() -> None:
    from app.core.config import get_settings
    from app.core.crypto import KeyRing

    with op.batch_alter_table("ketamine_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=2000), nullable=True))
    conn = op.get_bind()
    sessions = sa.table(
        "ketamine_session",
        sa.column("id", sa.Uuid()),
        sa.column("note", sa.String()),
        sa.column("note_ciphertext", sa.LargeBinary()),
    )
    rows = conn.execute(
        sa.select(sessions.c.id, sessions.c.note_ciphertext).where(
            sessions.c.note_ciphertext.is_not(None)
        )
    ).all()
    if rows:
        keyring = KeyRing.parse(get_settings().resolved_encryption_keys())
        for session_id, blob in rows:
            conn.execute(
                sa.update(sessions)
                .where(sessions.c.id == session_id)
                .values(note=keyring.decrypt(bytes(blob), aad=b"ketamine_session.note"))
            )
    with op.batch_alter_table("ketamine_session", schema=None) as batch_op:
        batch_op.drop_column("note_ciphertext")


def downgrade() -> None:
    _unseal_custom_prompts()
    _unseal_session_notes()
    conn = op.get_bind()
    # Back to one row per token: keep the newest binding of each.
    conn.execute(
        sa.text(
            "DELETE FROM device WHERE EXISTS (SELECT 1 FROM device AS newer "
            "WHERE newer.token = device.token AND (newer.created_at > device.created_at "
            "OR (newer.created_at = device.created_at AND newer.id > device.id)))"
        )
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index("ix_device_token")
        batch_op.drop_constraint("uq_device_user_id_token", type_="unique")
        batch_op.create_unique_constraint("uq_device_token", ["token"])
    with op.batch_alter_table("entry_review", schema=None) as batch_op:
        batch_op.drop_column("visibility")
    conn.execute(sa.text("UPDATE journal_entry SET request_hash = ''"))
    conn.execute(sa.text("UPDATE idempotency_key SET request_hash = ''"))
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("client_request_id")
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.drop_column("user_agent")
        batch_op.drop_column("last_used_at")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_confirmed_at")
        batch_op.drop_column("totp_secret")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_user_id"))
    op.drop_table("recovery_code")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_user_id"))
    op.drop_table("invitation")
