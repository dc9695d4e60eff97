"""Fraud disputes, false-positive sightings, the bank codes an organisation holds, notifications (issue 10).

Revision ID: 0012_fraud_disputes
Revises: 0011_fraud_reports
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_fraud_disputes"
down_revision = "0011_fraud_reports"
branch_labels = None
depends_on = None


def _org(name: str, nullable: bool = False, primary_key: bool = False) -> sa.Column:  # type: ignore[type-arg]
    fk = sa.ForeignKey("orgs.id", ondelete="CASCADE")
    return sa.Column(name, sa.Integer, fk, nullable=nullable, primary_key=primary_key)


def upgrade() -> None:
    op.create_table(
        "org_bank_codes",
        _org("org_id", primary_key=True),
        sa.Column("bank_code", sa.String(3), primary_key=True),
    )
    op.create_table(
        "fraud_disputes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("identifier_id", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        _org("filed_by"),
        sa.Column("filed_by_user", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("filed_at", sa.BigInteger, nullable=False),
        sa.Column("resolved_at", sa.BigInteger, nullable=True),
        _org("resolved_by", nullable=True),
        sa.Column("resolution", sa.Text, nullable=True),
    )
    op.create_index("ix_fraud_disputes_identifier", "fraud_disputes", ["identifier_id"])
    op.create_index(
        "ux_fraud_disputes_open",
        "fraud_disputes",
        ["identifier_id"],
        unique=True,
        sqlite_where=sa.text("state = 'open'"),
        postgresql_where=sa.text("state = 'open'"),
    )
    op.create_table(
        "fraud_false_positives",
        sa.Column("identifier_id", sa.String(300), primary_key=True),
        _org("org_id", primary_key=True),
        sa.Column("noted_at", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        _org("org_id"),
        sa.Column("created", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(300), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("read_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_notifications_org", "notifications", ["org_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_notifications_org", table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("fraud_false_positives")
    op.drop_index("ux_fraud_disputes_open", table_name="fraud_disputes")
    op.drop_index("ix_fraud_disputes_identifier", table_name="fraud_disputes")
    op.drop_table("fraud_disputes")
    op.drop_table("org_bank_codes")
