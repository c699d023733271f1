"""adoption: consent, care episodes, account closure, legal hold; audit purge

Revision ID: 27_adoption
Revises: 24_sign_in_vocabulary
Create Date: 2026-12-07 03:00:00

The audit trail stays append-only on PostgreSQL; the trigger now lets a DELETE
through only for rows older than the purge horizon that the retention job declares
in its own transaction (`kapj.audit_purge_before`), so an admin cannot erase audit
rows, and the trail's own retention can still run.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types

revision: str = "27_adoption"
down_revision: str | Sequence[str] | None = "26_trust"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURGEABLE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.occurred_at <
        NULLIF(current_setting('kapj.audit_purge_before', true), '')::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$
"""
_STRICT = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$
"""
_T = app.core.types.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "account_closure",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("requested_at", _T, nullable=False),
        sa.Column("erased_at", _T, nullable=True),
        sa.Column("last_clinical_contact_at", _T, nullable=True),
        sa.Column("purged_at", _T, nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("patient_id"),
    )
    op.create_table(
        "care_episode",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", _T, nullable=False),
        sa.Column("ended_at", _T, nullable=True),
        sa.Column("ended_by", sa.Uuid(), nullable=True),
        sa.Column("reason_ciphertext", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ended_by"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("care_episode", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_episode_patient_id_started_at", ["patient_id", "started_at"], unique=False
        )

    op.create_table(
        "consent_document",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("published_at", _T, nullable=False),
        sa.Column("published_by", sa.Uuid(), nullable=False),
        sa.Column("previous_valid_until", _T, nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consent_document", schema=None) as batch_op:
        batch_op.create_index("ix_consent_document_kind_version", ["kind", "version"], unique=True)

    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("placed_by", sa.Uuid(), nullable=False),
        sa.Column("placed_at", _T, nullable=False),
        sa.Column("lifted_by", sa.Uuid(), nullable=True),
        sa.Column("lifted_at", _T, nullable=True),
        sa.ForeignKeyConstraint(
            ["lifted_by"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["placed_by"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_hold_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "consent_decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("decided_at", _T, nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["consent_document.id"],
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consent_decision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consent_decision_patient_id_number", ["patient_id", "number"], unique=True
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PURGEABLE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_STRICT)
    with op.batch_alter_table("consent_decision", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_decision_patient_id_number")

    op.drop_table("consent_decision")
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_hold_patient_id"))

    op.drop_table("legal_hold")
    with op.batch_alter_table("consent_document", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_document_kind_version")

    op.drop_table("consent_document")
    with op.batch_alter_table("care_episode", schema=None) as batch_op:
        batch_op.drop_index("ix_care_episode_patient_id_started_at")

    op.drop_table("care_episode")
    op.drop_table("account_closure")
