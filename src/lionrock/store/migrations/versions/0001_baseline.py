"""Baseline schema of lionrock 0.1.

Revision ID: 0001
Revises:
"""

from alembic import op

from lionrock.store.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The baseline is the schema module as of 0.1; every later change gets its own explicit
    # migration (op.add_column, …), so this file's effect never changes for existing databases.
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
