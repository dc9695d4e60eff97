"""Responses to advisories: per advisory and responding organisation, acknowledgement, exposure, note.

Revision ID: 0006_advisory_responses
Revises: 0005_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_advisory_responses"
down_revision = "0005_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advisory_responses",
        sa.Column("advisory_id", sa.String(300), primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("acknowledged_at", sa.BigInteger, nullable=True),
        sa.Column("exposure", sa.String(16), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("advisory_responses")
