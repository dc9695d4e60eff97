"""Report intake isolation: the extraction is stored once (result), uploaded text is not kept
(text dropped; result and title purged after publish or the retention period).

Revision ID: 0003_intake
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_intake"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intake_jobs") as batch:
        batch.drop_column("text")
        batch.add_column(sa.Column("result", sa.Text, nullable=True))
        batch.add_column(sa.Column("purged", sa.BigInteger, nullable=True))
        batch.create_index("ix_intake_jobs_status", ["status"])
        batch.create_index("ix_intake_jobs_created", ["created"])
    op.execute("UPDATE intake_jobs SET status = 'published' WHERE published IS NOT NULL")
    # jobs from before this revision have no stored result: they cannot be reviewed any more
    op.execute(
        "UPDATE intake_jobs SET status = 'failed', progress = 100, "
        "error = 'uploaded before the hub stored extractions; upload the report again' "
        "WHERE status IN ('queued', 'running', 'done') AND published IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("intake_jobs") as batch:
        batch.drop_index("ix_intake_jobs_created")
        batch.drop_index("ix_intake_jobs_status")
        batch.drop_column("purged")
        batch.drop_column("result")
        batch.add_column(sa.Column("text", sa.Text, nullable=True))
