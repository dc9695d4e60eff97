"""Each web user's interface language (English or Traditional Chinese).

Revision ID: 0008_user_language
Revises: 0007_users
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_user_language"
down_revision = "0007_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
