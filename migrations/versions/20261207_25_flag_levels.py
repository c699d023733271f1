"""flag levels: every safety flag is urgent or for review

Revision ID: 25_flag_levels
Revises: 24_sign_in_vocabulary
Create Date: 2026-12-07 03:00:00

Existing flags keep their weight: a flag that was urgent is `urgent`, any other
is `review`. `is_urgent` stays, kept equal to `level == "urgent"` by the code.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "25_flag_levels"
down_revision: str | Sequence[str] | None = "24_sign_in_vocabulary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("safety_flag") as batch_op:
        batch_op.add_column(
            sa.Column(
                "level",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                nullable=False,
                server_default="review",
            )
        )
    op.execute("UPDATE safety_flag SET level = 'urgent' WHERE is_urgent")


def downgrade() -> None:
    op.execute("UPDATE safety_flag SET is_urgent = (level = 'urgent')")
    with op.batch_alter_table("safety_flag") as batch_op:
        batch_op.drop_column("level")
