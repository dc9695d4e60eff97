"""Report intake jobs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("org_id", sa.Integer, nullable=False),
        sa.Column("created", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("decisions", sa.Text, nullable=False),
        sa.Column("published", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("intake_jobs")
