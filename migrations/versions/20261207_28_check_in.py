"""check-in: the patient's daily check-in time

Revision ID: 28_check_in
Revises: 25_flag_levels
Create Date: 2026-12-07 04:00:00

`user_account.check_in_time` ("HH:MM" local, null: the clinic's default) says when
the daily check-in falls due while a window is open.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "28_check_in"
down_revision: str | Sequence[str] | None = "25_flag_levels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(
            sa.Column("check_in_time", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("check_in_time")
