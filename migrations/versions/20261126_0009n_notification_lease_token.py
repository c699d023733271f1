"""notification lease token: which claim holds a row's lease

Revision ID: 0009n
Revises: 0008
Create Date: 2026-11-26 22:56:47.400416
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0009n"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_token", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("lease_token")
