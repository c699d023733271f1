"""push tokens: one account at a time

Revision ID: 30_push_token_moves
Revises: 29_private_answers
Create Date: 2026-12-07 04:20:00

A push token is bound to one account at a time: registering it from another account
moves it there. Where a token is bound to several accounts today, the newest
binding keeps it (the account that phone signed in to last).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "30_push_token_moves"
down_revision: str | Sequence[str] | None = "29_private_answers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.get_bind().execute(
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


def downgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_constraint("uq_device_token", type_="unique")
        batch_op.create_unique_constraint("uq_device_user_id_token", ["user_id", "token"])
        batch_op.create_index("ix_device_token", ["token"], unique=False)
