"""Fraud reports by date: the dashboard's fraud panel reads the last 30 days of reports; without an
index that is a whole-table scan on every dashboard load.

Revision ID: 0014_fraud_report_dates
Revises: 0013_fraud_private
"""

from alembic import op

revision = "0014_fraud_report_dates"
down_revision: str | None = "0013_fraud_private"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_fraud_reports_reported", "fraud_reports", ["reported"])


def downgrade() -> None:
    op.drop_index("ix_fraud_reports_reported", table_name="fraud_reports")
