"""questionnaires: each patient's queue status, kept

Revision ID: 33_questionnaire_status
Revises: 32_response_id_per_patient
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core.types import UTCDateTime

revision: str = "33_questionnaire_status"
down_revision: str | Sequence[str] | None = "32_response_id_per_patient"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Starts empty: the first queue read derives each patient's row.
    op.create_table(
        "questionnaire_status",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("overdue_codes", sa.JSON(), nullable=False),
        sa.Column("phq9_score", sa.Integer(), nullable=True),
        sa.Column("phq9_severity", sa.String(length=32), nullable=True),
        sa.Column("phq9_answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("computed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", UTCDateTime(timezone=True), nullable=False),
        sa.Column("rules_key", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["user_account.id"],
            name=op.f("fk_questionnaire_status_patient_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_questionnaire_status")),
    )


def downgrade() -> None:
    op.drop_table("questionnaire_status")
