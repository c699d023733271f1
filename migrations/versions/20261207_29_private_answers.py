"""private answers: a questionnaire answer may be the patient's alone

Revision ID: 29_private_answers
Revises: 28_check_in
Create Date: 2026-12-07 05:00:00

`questionnaire_response.shared_with_care_team`: false when the answer came in while
the patient had not accepted the clinic's care-team sharing document (or was
discharged); the care team does not see it. Existing answers were all visible: true.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "29_private_answers"
down_revision: str | Sequence[str] | None = "28_check_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_response") as batch_op:
        batch_op.add_column(
            sa.Column(
                "shared_with_care_team", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_response") as batch_op:
        batch_op.drop_column("shared_with_care_team")
