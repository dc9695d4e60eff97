"""Sealed STIX object versions: the envelope and its data key (issue 11, docs/keys.md "Object bodies").

Revision ID: 0017_sealed_objects
Revises: 0016_pseudonyms
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_sealed_objects"
down_revision: str | None = "0016_pseudonyms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("objects", sa.Column("sealed", sa.LargeBinary, nullable=True))
    op.add_column("objects", sa.Column("data_key_id", sa.Integer, nullable=True))
    op.create_index("ix_objects_data_key", "objects", ["data_key_id"])


def downgrade() -> None:
    op.drop_index("ix_objects_data_key", table_name="objects")
    with op.batch_alter_table("objects") as batch:
        batch.drop_column("data_key_id")
        batch.drop_column("sealed")
