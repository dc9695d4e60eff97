"""TAXII status resources, kept for the configured retention."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from lionrock.store.schema import taxii_status


def save(conn: Connection, status_id: str, org_id: int, created: int, body: str) -> None:
    conn.execute(insert(taxii_status).values(id=status_id, org_id=org_id, created=created, body=body))


def load(conn: Connection, status_id: str, org_id: int) -> str | None:
    """A status is readable only by the organisation that made the request."""
    return conn.execute(
        select(taxii_status.c.body).where(taxii_status.c.id == status_id, taxii_status.c.org_id == org_id)
    ).scalar()


def purge_before(conn: Connection, cutoff: int) -> None:
    conn.execute(delete(taxii_status).where(taxii_status.c.created < cutoff))
