"""Ownership of object ids, one record per producer, versions compared as instants, sightings
tied to what they sighted.

Revision ID: 0004_ownership
Revises: 0003_intake
"""

import orjson
import sqlalchemy as sa
from alembic import op

revision = "0004_ownership"
down_revision = "0003_intake"
branch_labels = None
depends_on = None

# SCO types as of this migration (shared facts: no owner); frozen here on purpose.
_SCO_TYPES = [
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
]


def _version_key(value: str) -> str:
    """Same as lionrock.stix.ids.timestamp_key for stored (already validated) versions."""
    if not value:
        return ""
    head, _, frac = value[:-1].partition(".")
    return head[:19] + (frac + "000000000")[:9]


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("objects") as batch:
        batch.add_column(sa.Column("owner_record", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("about_ref", sa.String(300), nullable=True))
        batch.drop_constraint("uq_objects_id_version", type_="unique")
        batch.create_unique_constraint("uq_objects_id_version_producer", ["stix_id", "version", "producer_org_id"])
    partial = sa.text("about_ref IS NOT NULL")
    op.create_index("ix_objects_about_ref", "objects", ["about_ref"], sqlite_where=partial, postgresql_where=partial)
    op.create_table(
        "owners",
        sa.Column("stix_id", sa.String(300), primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id"), nullable=False),
    )
    objects = sa.table(
        "objects",
        sa.column("pk", sa.Integer),
        sa.column("stix_id", sa.String),
        sa.column("stix_type", sa.String),
        sa.column("version", sa.String),
        sa.column("producer_org_id", sa.Integer),
        sa.column("owner_record", sa.Boolean),
        sa.column("about_ref", sa.String),
        sa.column("body", sa.Text),
    )
    owners = sa.table("owners", sa.column("stix_id", sa.String), sa.column("org_id", sa.Integer))
    rows = bind.execute(
        sa.select(
            objects.c.pk, objects.c.stix_id, objects.c.stix_type, objects.c.version, objects.c.producer_org_id
        ).order_by(objects.c.pk)
    ).all()
    owner_of: dict[str, int] = {}
    seen: set[tuple[str, str, int]] = set()
    duplicates: list[int] = []
    for pk, sid, stype, version, producer in rows:
        key = (sid, _version_key(version), producer)
        if key in seen:  # the same instant written two ways: one version
            duplicates.append(pk)
            continue
        seen.add(key)
        if key[1] != version:
            bind.execute(sa.update(objects).where(objects.c.pk == pk).values(version=key[1]))
        if stype in _SCO_TYPES:
            continue
        owner = owner_of.setdefault(sid, producer)
        if owner != producer:
            bind.execute(sa.update(objects).where(objects.c.pk == pk).values(owner_record=False))
    for start in range(0, len(duplicates), 500):
        chunk = duplicates[start : start + 500]
        for table in ("audience", "refs"):
            bind.execute(sa.text(f"DELETE FROM {table} WHERE object_pk IN ({','.join(map(str, chunk))})"))
        bind.execute(sa.delete(objects).where(objects.c.pk.in_(chunk)))
    if owner_of:
        op.bulk_insert(owners, [{"stix_id": s, "org_id": o} for s, o in owner_of.items()])
    for pk, body in bind.execute(sa.select(objects.c.pk, objects.c.body).where(objects.c.stix_type == "sighting")):
        ref = orjson.loads(body).get("sighting_of_ref")
        if isinstance(ref, str):
            bind.execute(sa.update(objects).where(objects.c.pk == pk).values(about_ref=ref[:300]))


def downgrade() -> None:
    op.drop_table("owners")
    op.drop_index("ix_objects_about_ref", "objects")
    with op.batch_alter_table("objects") as batch:
        batch.drop_constraint("uq_objects_id_version_producer", type_="unique")
        batch.create_unique_constraint("uq_objects_id_version", ["stix_id", "version"])
        batch.drop_column("about_ref")
        batch.drop_column("owner_record")
