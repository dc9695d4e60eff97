"""Fraud reports: an organisation reports that an identifier was used in a scam (issue 10).

Revision ID: 0011_fraud_reports
Revises: 0010_audit_user
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_fraud_reports"
down_revision = "0010_audit_user"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fraud_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("identifier_id", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scam_type", sa.String(40), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("reported", sa.BigInteger, nullable=False),
        sa.Column("amount_band", sa.String(16), nullable=True),
        sa.Column("confidence", sa.Integer, nullable=False),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("created", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_fraud_reports_identifier", "fraud_reports", ["identifier_id"])


def downgrade() -> None:
    op.drop_index("ix_fraud_reports_identifier", table_name="fraud_reports")
    op.drop_table("fraud_reports")
