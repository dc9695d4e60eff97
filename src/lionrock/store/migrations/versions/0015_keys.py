"""Keys: key-encryption keys and the data keys they wrap, and intake jobs' sealed results (issue 11).

Revision ID: 0015_keys
Revises: 0014_fraud_report_dates
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_keys"
down_revision: str | None = "0014_fraud_report_dates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="RESTRICT"), nullable=True),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("provider_ref", sa.String(200), nullable=False, unique=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created", sa.BigInteger, nullable=False),
        sa.Column("last_rotated", sa.BigInteger, nullable=True),
        sa.Column("rotation_days", sa.Integer, nullable=False),
        sa.Column("usage_count", sa.BigInteger, nullable=False),
        sa.Column("replaced_by", sa.Integer, nullable=True),
    )
    op.create_index("ix_keys_purpose_state", "keys", ["purpose", "state"])
    op.create_table(
        "data_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kek_id", sa.Integer, sa.ForeignKey("keys.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(512), nullable=False),
        sa.Column("created", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_data_keys_kek", "data_keys", ["kek_id"])
    op.add_column("intake_jobs", sa.Column("data_key_id", sa.Integer, nullable=True))
    op.add_column("intake_jobs", sa.Column("sealed", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intake_jobs") as batch:
        batch.drop_column("sealed")
        batch.drop_column("data_key_id")
    op.drop_index("ix_data_keys_kek", table_name="data_keys")
    op.drop_table("data_keys")
    op.drop_index("ix_keys_purpose_state", table_name="keys")
    op.drop_table("keys")
