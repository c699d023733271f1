"""user locale; retired and look-ahead prompts

Revision ID: 13_locale_and_prompt_states
Revises: 12_push_delivery
Create Date: 2026-12-01 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "13_locale_and_prompt_states"
down_revision: str | Sequence[str] | None = "12_push_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_retired", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("is_look_ahead", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.drop_column("is_look_ahead")
        batch_op.drop_column("is_retired")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("locale")
