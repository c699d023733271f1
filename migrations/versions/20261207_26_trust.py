"""trust: invitations remember where they were emailed

Revision ID: 26_trust
Revises: 24_sign_in_vocabulary
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "26_trust"
down_revision: str | Sequence[str] | None = "24_sign_in_vocabulary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.add_column(sa.Column("sent_to", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.drop_column("sent_to")
