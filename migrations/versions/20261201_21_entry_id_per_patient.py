"""entries: each patient's own id namespace

Revision ID: 21_entry_id_per_patient
Revises: 20_patient_counts_backfill
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "21_entry_id_per_patient"
down_revision: str | Sequence[str] | None = "20_patient_counts_backfill"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for every stored entry: until now the phone's id was always the row's id.
    with op.batch_alter_table("journal_entry") as batch:
        batch.add_column(sa.Column("client_id", sa.Uuid(), nullable=True))
        batch.create_index(
            "ix_journal_entry_patient_id_client_id", ["patient_id", "client_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("journal_entry") as batch:
        batch.drop_index("ix_journal_entry_patient_id_client_id")
        batch.drop_column("client_id")
