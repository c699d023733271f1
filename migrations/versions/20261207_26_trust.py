"""trust: invitations remember where they were emailed; given-up staff names are held; sign-ins record their factors (amr); MFA tokens are spent once

Revision ID: 26_trust
Revises: 24_sign_in_vocabulary
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core.types import UTCDateTime

revision: str = "26_trust"
down_revision: str | Sequence[str] | None = "25_flag_levels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.add_column(sa.Column("sent_to", sa.String(length=320), nullable=True))
    op.create_table(
        "display_name_reservation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("skeleton", sa.String(length=480), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("released_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_display_name_reservation_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_display_name_reservation")),
    )
    with op.batch_alter_table("display_name_reservation") as batch_op:
        batch_op.create_index("ix_display_name_reservation_skeleton", ["skeleton"])
        batch_op.create_index("ix_display_name_reservation_user_id", ["user_id"])


    # Sign-ins made before this version passed the password only, as far as anyone knows.
    with op.batch_alter_table("sign_in") as batch_op:
        batch_op.add_column(
            sa.Column("amr", sa.String(length=32), nullable=False, server_default="pwd")
        )
    with op.batch_alter_table("sign_in") as batch_op:
        batch_op.alter_column("amr", server_default=None)
    op.create_table(
        "spent_mfa_token",
        sa.Column("jti", sa.String(length=32), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_spent_mfa_token")),
    )


def downgrade() -> None:
    op.drop_table("spent_mfa_token")
    with op.batch_alter_table("sign_in") as batch_op:
        batch_op.drop_column("amr")
    op.drop_table("display_name_reservation")
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.drop_column("sent_to")
