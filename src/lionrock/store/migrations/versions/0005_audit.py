"""Audit entries record their chain scheme: existing rows are plain SHA-256, new ones HMAC-SHA256.

Revision ID: 0005_audit
Revises: 0004_ownership
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_audit"
down_revision = "0004_ownership"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("scheme", sa.String(16), nullable=False, server_default="sha256"))


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("scheme")
