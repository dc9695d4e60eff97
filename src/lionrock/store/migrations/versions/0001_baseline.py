"""Baseline schema of lionrock 0.1.

Revision ID: 0001
Revises:
"""

from alembic import op

from lionrock.store.schema import BASELINE_TABLES, metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The baseline is the schema module as of 0.1; every later change gets its own explicit
    # migration (op.add_column, …), so this file's effect never changes for existing databases.
    tables = [metadata.tables[name] for name in BASELINE_TABLES]
    metadata.create_all(op.get_bind(), tables=tables)


def downgrade() -> None:
    metadata.drop_all(op.get_bind(), tables=[metadata.tables[name] for name in BASELINE_TABLES])
