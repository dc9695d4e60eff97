"""What retention may remove, kind by kind: which rows are due at a cut-off, and removing exactly those.

Each rule names its table, the id that identifies a row in a purge proof, the time column the cut-off
applies to, and any further condition; intake text is cleared in place (the job's record stays until its
own rule removes it), everything else is deleted (a sighting's audience and refs go with it, by cascade).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, Connection, Table, delete, select, update

from lionrock.store.intake_jobs import PUBLISHING, UNFINISHED
from lionrock.store.schema import intake_jobs, notifications, objects, web_sessions

BATCH = 500


@dataclass(frozen=True)
class Rule:
    kind: str
    table: Table
    id_column: Column[object]
    due: Callable[[int], ColumnElement[bool]]
    """The condition for rows due at a cut-off (microseconds)."""
    clear: dict[str, object] | None = None
    """None: delete the rows; else the values that clear them in place ("now" filled in by `remove`)."""


_FINISHED_JOB = intake_jobs.c.status.not_in([*UNFINISHED, PUBLISHING])

INTAKE_TEXT = Rule(
    "intake_text",
    intake_jobs,
    intake_jobs.c.id,
    lambda cutoff: (intake_jobs.c.created < cutoff) & intake_jobs.c.purged.is_(None) & _FINISHED_JOB,
    clear={"result": None, "title": None},
)
INTAKE_JOB = Rule(
    "intake_job",
    intake_jobs,
    intake_jobs.c.id,
    lambda cutoff: (intake_jobs.c.created < cutoff) & intake_jobs.c.purged.isnot(None) & _FINISHED_JOB,
)
SIGHTING = Rule(
    "sighting",
    objects,
    objects.c.pk,
    lambda cutoff: (objects.c.stix_type == "sighting") & (objects.c.date_added < cutoff),
)
NOTIFICATION = Rule(
    "notification",
    notifications,
    notifications.c.id,
    lambda cutoff: notifications.c.read_at.isnot(None) & (notifications.c.created < cutoff),
)
WEB_SESSION = Rule(
    "web_session",
    web_sessions,
    web_sessions.c.id_hash,
    lambda cutoff: web_sessions.c.last_seen < cutoff,
)


def due(conn: Connection, rule: Rule, cutoff: int) -> list[object]:
    """The ids of the rows due, in id order (the order a purge proof hashes them in)."""
    query = select(rule.id_column).where(rule.due(cutoff)).order_by(rule.id_column)
    return list(conn.execute(query).scalars())


def remove(conn: Connection, rule: Rule, ids: Sequence[object], now: int) -> int:
    """Remove exactly `ids` (still due at `cutoff`): returns how many rows went."""
    removed = 0
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        where = rule.id_column.in_(chunk)
        if rule.clear is None:
            removed += conn.execute(delete(rule.table).where(where)).rowcount
        else:
            removed += conn.execute(update(rule.table).where(where).values(**rule.clear, purged=now)).rowcount
    return removed
