"""questionnaires: missed occurrences written down

Revision ID: 23_questionnaire_misses
Revises: 22_throttle_counters
Create Date: 2026-12-01 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core.types import UTCDateTime

revision: str = "23_questionnaire_misses"
down_revision: str | Sequence[str] | None = "22_throttle_counters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_miss",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("occurrence_key", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["user_account.id"],
            name=op.f("fk_questionnaire_miss_patient_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("patient_id", "occurrence_key", name=op.f("pk_questionnaire_miss")),
    )


def downgrade() -> None:
    op.drop_table("questionnaire_miss")
