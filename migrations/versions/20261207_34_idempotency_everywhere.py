"""idempotency keys for every creating POST: the first answer, encrypted

Revision ID: 34_idempotency_everywhere
Revises: 33_questionnaire_status
Create Date: 2026-12-07 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "34_idempotency_everywhere"
down_revision: str | Sequence[str] | None = "33_questionnaire_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing keys are all entries' or questionnaire responses': they keep entry_id.
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.alter_column("entry_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.add_column(
            sa.Column("response", sa.LargeBinary(), nullable=True)
        )


def downgrade() -> None:
    op.execute("DELETE FROM idempotency_key WHERE entry_id IS NULL")
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.drop_column("response")
        batch_op.alter_column("entry_id", existing_type=sa.Uuid(), nullable=False)
