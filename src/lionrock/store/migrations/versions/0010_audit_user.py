"""The web user who made each audit entry (NULL for tokens, the CLI and older entries).

Revision ID: 0010_audit_user
Revises: 0009_dashboard_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_audit_user"
down_revision = "0009_dashboard_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("user_id")
