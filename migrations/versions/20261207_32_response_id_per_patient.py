"""questionnaire responses: each patient's own id namespace

Revision ID: 32_response_id_per_patient
Revises: 31_sealed_answers_and_dose
Create Date: 2026-12-07 04:40:00

As entries have had since 21_entry_id_per_patient: a phone's id that is already
another patient's response is kept in `client_id` and the row gets a fresh id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "32_response_id_per_patient"
down_revision: str | Sequence[str] | None = "31_sealed_answers_and_dose"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for every stored response: until now the phone's id was always the row's id.
    with op.batch_alter_table("questionnaire_response") as batch:
        batch.add_column(sa.Column("client_id", sa.Uuid(), nullable=True))
        batch.create_index(
            "ix_questionnaire_response_patient_id_client_id",
            ["patient_id", "client_id"],
            unique=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_response") as batch:
        batch.drop_index("ix_questionnaire_response_patient_id_client_id")
        batch.drop_column("client_id")
