"""vocabulary: a sign-in is a sign_in, not an auth_session

Revision ID: 24_sign_in_vocabulary
Revises: 23_questionnaire_misses
Create Date: 2026-12-07 02:20:00

"Session" is kept for the ketamine session; the account's sign-in table and the
refresh token's column that points at it are renamed, with their indexes and keys.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "24_sign_in_vocabulary"
down_revision: str | Sequence[str] | None = "23_questionnaire_misses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rename(old_table: str, new_table: str, old_col: str, new_col: str) -> None:
    op.rename_table(old_table, new_table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER INDEX pk_{old_table} RENAME TO pk_{new_table}")
        op.execute(
            f"ALTER TABLE {new_table} RENAME CONSTRAINT fk_{old_table}_user_id_user_account "
            f"TO fk_{new_table}_user_id_user_account"
        )
    with op.batch_alter_table(new_table) as batch_op:
        batch_op.drop_index(f"ix_{old_table}_user_id")
        batch_op.create_index(f"ix_{new_table}_user_id", ["user_id"], unique=False)
    with op.batch_alter_table("refresh_token", recreate="always") as batch_op:
        batch_op.drop_constraint(f"fk_refresh_token_{old_col}_{old_table}", type_="foreignkey")
        batch_op.drop_index(f"ix_refresh_token_{old_col}")
        batch_op.alter_column(old_col, new_column_name=new_col)
    with op.batch_alter_table("refresh_token", recreate="always") as batch_op:
        batch_op.create_index(f"ix_refresh_token_{new_col}", [new_col], unique=False)
        batch_op.create_foreign_key(
            f"fk_refresh_token_{new_col}_{new_table}", new_table, [new_col], ["id"]
        )


def upgrade() -> None:
    _rename("auth_session", "sign_in", "session_id", "sign_in_id")


def downgrade() -> None:
    _rename("sign_in", "auth_session", "sign_in_id", "session_id")
