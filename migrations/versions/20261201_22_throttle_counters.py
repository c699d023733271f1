"""throttle counts in the database, shared by processes without Redis

Revision ID: 22_throttle_counters
Revises: 21_entry_id_per_patient
Create Date: 2026-12-01 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "22_throttle_counters"
down_revision: str | Sequence[str] | None = "21_entry_id_per_patient"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "throttle_counter",
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counter")),
    )
    op.create_index(
        op.f("ix_throttle_counter_expires_at"), "throttle_counter", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_throttle_counter_expires_at"), table_name="throttle_counter")
    op.drop_table("throttle_counter")
