"""Baseline schema of lionrock 0.1, written out table by table.

Revision ID: 0001
Revises:

This file must never change: it is what every existing database was created with. It does not read
lionrock.store.schema (which moves on with every later migration); a new column or table gets a
migration of its own. tests/store/test_migrations.py checks that the chain ends at schema.py.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Autoincrementing 64-bit keys; SQLite only autoincrements a column declared INTEGER.
BIG_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("identity_id", sa.String(100), nullable=False, unique=True),
        sa.Column("created", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "sharing_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Integer, sa.ForeignKey("sharing_groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created", sa.BigInteger, nullable=False),
        sa.Column("expires", sa.BigInteger, nullable=True),
        sa.Column("revoked", sa.BigInteger, nullable=True),
        sa.Column("last_used", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "objects",
        sa.Column("pk", BIG_KEY, primary_key=True, autoincrement=True),
        sa.Column("stix_id", sa.String(300), nullable=False),
        sa.Column("stix_type", sa.String(250), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("spec_version", sa.String(8), nullable=False),
        sa.Column("date_added", sa.BigInteger, nullable=False),
        sa.Column("producer_org_id", sa.Integer, sa.ForeignKey("orgs.id"), nullable=False),
        sa.Column("tlp", sa.String(16), nullable=False),
        sa.Column("community", sa.Boolean, nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("has_refs", sa.Boolean, nullable=False),
        sa.Column("value", sa.String(2000), nullable=True),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.UniqueConstraint("stix_id", "version", name="uq_objects_id_version"),
    )
    op.create_index("ix_objects_date_added", "objects", ["date_added", "pk"])
    op.create_index("ix_objects_type_date_added", "objects", ["stix_type", "date_added"])
    op.create_index("ix_objects_value", "objects", ["value"])
    op.create_table(
        "audience",
        sa.Column("object_pk", BIG_KEY, sa.ForeignKey("objects.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("org_id", sa.Integer, nullable=True),
        sa.Column("group_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_audience_object", "audience", ["object_pk"])
    op.create_index("ix_audience_group", "audience", ["group_id", "object_pk"])
    op.create_table(
        "refs",
        sa.Column("object_pk", BIG_KEY, sa.ForeignKey("objects.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("ref_id", sa.String(300), nullable=False),
    )
    op.create_index("ix_refs_object", "refs", ["object_pk"])
    op.create_index("ix_refs_ref", "refs", ["ref_id"])
    op.create_table(
        "audit",
        sa.Column("seq", BIG_KEY, primary_key=True, autoincrement=True),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("org_id", sa.Integer, nullable=True),
        sa.Column("token_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(300), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "taxii_status",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("org_id", sa.Integer, nullable=False),
        sa.Column("created", sa.BigInteger, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_index("ix_taxii_status_created", "taxii_status", ["created"])


def downgrade() -> None:
    for table in ("taxii_status", "audit", "refs", "audience", "objects", "tokens", "group_members"):
        op.drop_table(table)
    op.drop_table("sharing_groups")
    op.drop_table("orgs")
