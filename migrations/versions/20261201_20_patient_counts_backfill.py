"""patient counts: count what is already stored

Revision ID: 20_patient_counts_backfill
Revises: 19_patient_counts
Create Date: 2026-12-01 10:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20_patient_counts_backfill"
down_revision: str | Sequence[str] | None = "19_patient_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Idempotent: patients that already have a row keep it.
BACKFILL = """
INSERT INTO patient_counts (patient_id, unreviewed, open_flags)
SELECT p.patient_id,
  (SELECT count(*) FROM journal_entry e
    WHERE e.patient_id = p.patient_id AND e.is_shared = TRUE AND e.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM entry_review r
                      WHERE r.entry_id = e.id AND r.entry_version = e.version)),
  (SELECT count(*) FROM safety_flag f
    WHERE f.patient_id = p.patient_id AND f.acknowledged_at IS NULL)
FROM (SELECT patient_id FROM journal_entry UNION SELECT patient_id FROM safety_flag) AS p
WHERE p.patient_id NOT IN (SELECT patient_id FROM patient_counts)
"""


def upgrade() -> None:
    op.execute(BACKFILL)


def downgrade() -> None:
    op.execute("DELETE FROM patient_counts")
