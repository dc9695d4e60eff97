"""Report intake jobs: an uploaded document's progress, its stored extraction, the analyst's decisions.

Status moves one way: queued -> running -> done | failed, and done -> publishing -> published.
Every move is a conditional UPDATE (`transition`), so two requests racing for the same move cannot
both win: that is what makes six concurrent publishes store one set of versions."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from lionrock.store.schema import intake_jobs

QUEUED, RUNNING, DONE, FAILED, PUBLISHING, PUBLISHED = "queued", "running", "done", "failed", "publishing", "published"
UNFINISHED = (QUEUED, RUNNING)


@dataclass(frozen=True)
class JobRow:
    id: str
    org_id: int
    created: int
    status: str
    progress: int
    filename: str
    error: str | None
    title: str | None
    decisions: str
    published: str | None
    result: str | None
    purged: int | None
    data_key_id: int | None
    sealed: bytes | None  # result and title, encrypted (hub.intake seals and opens them)


def add(conn: Connection, job_id: str, org_id: int, created: int, filename: str) -> None:
    conn.execute(
        insert(intake_jobs).values(
            id=job_id, org_id=org_id, created=created, status=QUEUED, progress=0, filename=filename, decisions="{}"
        )
    )


_COLUMNS = [intake_jobs.c[name] for name in JobRow.__dataclass_fields__]


def load(conn: Connection, job_id: str, org_id: int) -> JobRow | None:
    """A job is visible to the organisation that uploaded it, and to nobody else."""
    row = conn.execute(select(*_COLUMNS).where(intake_jobs.c.id == job_id, intake_jobs.c.org_id == org_id))
    found = row.first()
    return JobRow(*found) if found else None


def org_of(conn: Connection, job_id: str) -> int | None:
    """The organisation that uploaded the job (the worker's callback knows only the job id)."""
    found = conn.execute(select(intake_jobs.c.org_id).where(intake_jobs.c.id == job_id)).scalar_one_or_none()
    return int(found) if found is not None else None


def recent(conn: Connection, org_id: int, limit: int) -> list[JobRow]:
    """The organisation's latest jobs, newest first (its own only)."""
    rows = conn.execute(
        select(*_COLUMNS)
        .where(intake_jobs.c.org_id == org_id)
        .order_by(intake_jobs.c.created.desc(), intake_jobs.c.id)
        .limit(limit)
    )
    return [JobRow(*r) for r in rows]


def set_fields(conn: Connection, job_id: str, **values: object) -> None:
    conn.execute(update(intake_jobs).where(intake_jobs.c.id == job_id).values(**values))


def transition(conn: Connection, job_id: str, from_statuses: Collection[str], **values: object) -> bool:
    """Apply `values` only if the job is still in one of `from_statuses`; True if this call moved it."""
    moved = conn.execute(
        update(intake_jobs)
        .where(intake_jobs.c.id == job_id, intake_jobs.c.status.in_(list(from_statuses)))
        .values(**values)
    )
    return moved.rowcount == 1


def interrupt(conn: Connection, keep: Collection[str], message: str) -> int:
    """Fail every unfinished job not in `keep` (jobs a crashed process left behind); how many."""
    stale = update(intake_jobs).where(intake_jobs.c.status.in_(UNFINISHED))
    if keep:
        stale = stale.where(intake_jobs.c.id.not_in(list(keep)))
    failed = conn.execute(stale.values(status=FAILED, progress=100, error=message))
    # a publish cut short goes back to review; its draft timestamp is kept, so publishing again
    # stores the very same versions (held already if the first attempt had committed them)
    conn.execute(update(intake_jobs).where(intake_jobs.c.status == PUBLISHING).values(status=DONE))
    return failed.rowcount


def purge(conn: Connection, uploaded_before: int, now: int) -> int:
    """Delete the stored findings, evidence text and title of jobs uploaded before the cut-off."""
    purged = conn.execute(
        update(intake_jobs)
        .where(
            intake_jobs.c.created < uploaded_before,
            intake_jobs.c.purged.is_(None),
            intake_jobs.c.status.not_in([*UNFINISHED, PUBLISHING]),
        )
        .values(result=None, title=None, sealed=None, purged=now)
    )
    return purged.rowcount
