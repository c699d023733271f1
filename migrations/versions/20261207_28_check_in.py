"""check-in: the patient's daily check-in time

Revision ID: 28_check_in
Revises: 25_flag_levels
Create Date: 2026-12-07 04:00:00

`user_account.check_in_time` ("HH:MM" local, null: the clinic's default) says when
the daily check-in falls due while a window is open.

C-SSRS screener answers with every question "no" were stored as `low`; they are
`none` now (a yes to question 1 or 2 stays `low`). The PCL-5 band at or above the
cut-off is named `provisional_ptsd` (it was `probable_ptsd`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "28_check_in"
down_revision: str | Sequence[str] | None = "27_adoption"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(
            sa.Column("check_in_time", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True)
        )


    response = sa.table(
        "questionnaire_response",
        sa.column("id", sa.Uuid()),
        sa.column("code", sa.String()),
        sa.column("severity", sa.String()),
        sa.column("answers", sa.JSON()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(response.c.id, response.c.answers).where(
            response.c.code == "cssrs_screener", response.c.severity == "low"
        )
    ).all()
    for rid, answers in rows:
        if not any((answers or {}).get(k) == 1 for k in ("cssrs_1", "cssrs_2")):
            bind.execute(
                response.update().where(response.c.id == rid).values(severity="none")
            )
    op.execute(
        "UPDATE questionnaire_response SET severity = 'provisional_ptsd' "
        "WHERE code = 'pcl5' AND severity = 'probable_ptsd'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE questionnaire_response SET severity = 'probable_ptsd' "
        "WHERE code = 'pcl5' AND severity = 'provisional_ptsd'"
    )
    op.execute(
        "UPDATE questionnaire_response SET severity = 'low' "
        "WHERE code = 'cssrs_screener' AND severity = 'none'"
    )
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("check_in_time")
