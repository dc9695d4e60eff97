"""Pseudonyms: keyed pseudonyms of personal values, their sealed values and submitting organisations
(issue 11, item 2).

Revision ID: 0016_pseudonyms
Revises: 0015_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_pseudonyms"
down_revision: str | None = "0015_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pseudonyms",
        sa.Column("pseudonym", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key_id", sa.Integer, nullable=False),
        sa.Column("data_key_id", sa.Integer, nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("first_seen", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "pseudonym_sources",
        sa.Column(
            "pseudonym",
            sa.String(40),
            sa.ForeignKey("pseudonyms.pseudonym", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("first_seen", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_audit_action_org_at", "audit", ["action", "org_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_action_org_at", table_name="audit")
    op.drop_table("pseudonym_sources")
    op.drop_table("pseudonyms")
