"""sealed answers and dose: questionnaire answers and dose_mg encrypted at rest

Revision ID: 31_sealed_answers_and_dose
Revises: 30_push_token_moves
Create Date: 2026-12-07 04:30:00

`questionnaire_response.answers` moves to `answers_ciphertext` and
`ketamine_session.dose_mg` to `dose_mg_ciphertext`, AES-GCM with the clinic's keys
(`KAPJ_ENCRYPTION_KEYS`), bound to the column's name as app/core/sealed.py does.
Existing rows are encrypted here and decrypted again on the way down. Score and
band stay clear (docs/security.md).
"""

from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = "31_sealed_answers_and_dose"
down_revision: str | Sequence[str] | None = "30_push_token_moves"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANSWERS = b"questionnaire_response.answers"
DOSE = b"ketamine_session.dose_mg"


def _keyring() -> Any:
    from app.core.config import get_settings
    from app.core.crypto import KeyRing

    return KeyRing.parse(get_settings().resolved_encryption_keys())


def _responses() -> sa.TableClause:
    return sa.table(
        "questionnaire_response",
        sa.column("id", sa.Uuid()),
        sa.column("answers", sa.JSON()),
        sa.column("answers_ciphertext", sa.LargeBinary()),
    )


def _sessions() -> sa.TableClause:
    return sa.table(
        "ketamine_session",
        sa.column("id", sa.Uuid()),
        sa.column("dose_mg", sa.Float()),
        sa.column("dose_mg_ciphertext", sa.LargeBinary()),
    )


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers_ciphertext", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("ketamine_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dose_mg_ciphertext", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    responses, sessions = _responses(), _sessions()
    answers = conn.execute(sa.select(responses.c.id, responses.c.answers)).all()
    doses = conn.execute(
        sa.select(sessions.c.id, sessions.c.dose_mg).where(sessions.c.dose_mg.is_not(None))
    ).all()
    if answers or doses:
        keyring = _keyring()
        for rid, value in answers:
            text = orjson.dumps(value or {}, option=orjson.OPT_SORT_KEYS).decode()
            conn.execute(
                sa.update(responses)
                .where(responses.c.id == rid)
                .values(answers_ciphertext=keyring.encrypt(text, aad=ANSWERS))
            )
        for sid, dose in doses:
            conn.execute(
                sa.update(sessions)
                .where(sessions.c.id == sid)
                .values(dose_mg_ciphertext=keyring.encrypt(repr(float(dose)), aad=DOSE))
            )
    with op.batch_alter_table("questionnaire_response", schema=None) as batch_op:
        batch_op.drop_column("answers")
        batch_op.alter_column("answers_ciphertext", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("ketamine_session", schema=None) as batch_op:
        batch_op.drop_column("dose_mg")


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=True))
    with op.batch_alter_table("ketamine_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dose_mg", sa.Float(), nullable=True))
    conn = op.get_bind()
    responses, sessions = _responses(), _sessions()
    sealed = conn.execute(sa.select(responses.c.id, responses.c.answers_ciphertext)).all()
    doses = conn.execute(
        sa.select(sessions.c.id, sessions.c.dose_mg_ciphertext).where(
            sessions.c.dose_mg_ciphertext.is_not(None)
        )
    ).all()
    if sealed or doses:
        keyring = _keyring()
        for rid, blob in sealed:
            value = orjson.loads(keyring.decrypt(bytes(blob), aad=ANSWERS))
            conn.execute(sa.update(responses).where(responses.c.id == rid).values(answers=value))
        for sid, blob in doses:
            dose = float(keyring.decrypt(bytes(blob), aad=DOSE))
            conn.execute(sa.update(sessions).where(sessions.c.id == sid).values(dose_mg=dose))
    with op.batch_alter_table("questionnaire_response", schema=None) as batch_op:
        batch_op.drop_column("answers_ciphertext")
        batch_op.alter_column("answers", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("ketamine_session", schema=None) as batch_op:
        batch_op.drop_column("dose_mg_ciphertext")
