"""Report intake jobs: an uploaded document, its progress, the analyst's decisions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from lionrock.store.schema import intake_jobs


@dataclass(frozen=True)
class JobRow:
    id: str
    org_id: int
    created: int
    status: str
    progress: int
    filename: str
    error: str | None
    text: str | None
    title: str | None
    decisions: str
    published: str | None


def add(conn: Connection, job_id: str, org_id: int, created: int, filename: str) -> None:
    conn.execute(
        insert(intake_jobs).values(
            id=job_id, org_id=org_id, created=created, status="queued", progress=0, filename=filename, decisions="{}"
        )
    )


def load(conn: Connection, job_id: str, org_id: int) -> JobRow | None:
    """A job is visible to the organisation that uploaded it, and to nobody else."""
    row = conn.execute(select(*intake_jobs.c).where(intake_jobs.c.id == job_id, intake_jobs.c.org_id == org_id))
    found = row.first()
    return JobRow(*found) if found else None


def set_fields(conn: Connection, job_id: str, **values: object) -> None:
    conn.execute(update(intake_jobs).where(intake_jobs.c.id == job_id).values(**values))
