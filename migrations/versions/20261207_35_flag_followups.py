"""a flag's C-SSRS reminder is planned by the worker: when it was planned

Revision ID: 35_flag_followups
Revises: 34_idempotency_everywhere
Create Date: 2026-12-07 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core.types import UTCDateTime

revision: str = "35_flag_followups"
down_revision: str | Sequence[str] | None = "34_idempotency_everywhere"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("safety_flag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("followup_planned_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_safety_flag_followup_planned_at", ["followup_planned_at"])
    # Flags already stored had their reminder planned in the request that raised them.
    op.execute("UPDATE safety_flag SET followup_planned_at = raised_at")


def downgrade() -> None:
    with op.batch_alter_table("safety_flag", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_flag_followup_planned_at")
        batch_op.drop_column("followup_planned_at")
