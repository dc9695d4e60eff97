"""The private pre-payment check: the OPRF tag index and per-organisation evaluation counts (issue 10).

Revision ID: 0013_fraud_private
Revises: 0012_fraud_disputes
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_fraud_private"
down_revision: str | None = "0012_fraud_disputes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fraud_prf_index",
        sa.Column("identifier_id", sa.String(300), primary_key=True),
        sa.Column("prefix", sa.Integer, nullable=False),
        sa.Column("tag", sa.LargeBinary(64), nullable=False),
    )
    op.create_index("ix_fraud_prf_index_prefix", "fraud_prf_index", ["prefix"])
    op.create_table(
        "fraud_prf_usage",
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("window_start", sa.BigInteger, primary_key=True),
        sa.Column("evaluations", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("fraud_prf_usage")
    op.drop_index("ix_fraud_prf_index_prefix", table_name="fraud_prf_index")
    op.drop_table("fraud_prf_index")
