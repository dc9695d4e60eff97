"""The private check's rows: the OPRF tag index of reported identifiers, and evaluation counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, delete, func, select, update

from lionrock.store.schema import fraud_prf_index as index
from lionrock.store.schema import fraud_prf_usage as usage
from lionrock.store.schema import fraud_reports as reports


@dataclass(frozen=True)
class IndexEntry:
    identifier_id: str
    prefix: int
    tag: bytes


@dataclass(frozen=True)
class BucketEntry:
    identifier_id: str
    tag: bytes
    kind: str


def indexed(conn: Connection, identifier_ids: Sequence[str]) -> set[str]:
    """Which of these identifiers are in the index already."""
    ids = sorted(set(identifier_ids))
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        q = select(index.c.identifier_id).where(index.c.identifier_id.in_(ids[start : start + 500]))
        found.update(conn.execute(q).scalars())
    return found


def any_indexed(conn: Connection) -> bool:
    return conn.execute(select(index.c.identifier_id).limit(1)).first() is not None


def add_index(conn: Connection, entries: Sequence[IndexEntry]) -> None:
    """Insert entries (callers leave out identifiers already indexed: their tag cannot change)."""
    if entries:
        conn.execute(index.insert(), [asdict(e) for e in entries])


def unindexed(conn: Connection, limit: int) -> list[str]:
    """Up to `limit` reported identifiers that have no index entry yet, for the backfill."""
    q = (
        select(reports.c.identifier_id)
        .distinct()
        .where(~select(index.c.identifier_id).where(index.c.identifier_id == reports.c.identifier_id).exists())
        .order_by(reports.c.identifier_id)
        .limit(limit)
    )
    return list(conn.execute(q).scalars())


def bucket(conn: Connection, prefix: int, limit: int) -> list[BucketEntry] | None:
    """Every indexed identifier under `prefix` with its kind; None when there are more
    than `limit` of them (the caller refuses rather than answer with part of a bucket)."""
    q = select(index.c.identifier_id, index.c.tag).where(index.c.prefix == prefix).limit(limit + 1)
    tags = {row[0]: bytes(row[1]) for row in conn.execute(q)}
    if len(tags) > limit:
        return None
    if not tags:
        return []
    # The kinds only: the hub's shared assessment (hub.fraud.assessments) reads the reports itself.
    q2 = select(reports.c.identifier_id, reports.c.kind).where(reports.c.identifier_id.in_(sorted(tags))).distinct()
    kinds = {ident: kind for ident, kind in conn.execute(q2)}
    return [BucketEntry(ident, tags[ident], kinds[ident]) for ident in sorted(tags) if ident in kinds]


def evaluations(conn: Connection, org_id: int, window_start: int) -> int:
    """Evaluations counted for one organisation in one window."""
    q = select(func.coalesce(func.sum(usage.c.evaluations), 0)).where(
        usage.c.org_id == org_id, usage.c.window_start == window_start
    )
    return int(conn.execute(q).scalar_one())


def count_evaluations(conn: Connection, org_id: int, window_start: int, n: int) -> None:
    """Add `n` to the window's count (inside the caller's serialised write transaction) and drop
    windows older than this one, which no longer limit anything."""
    conn.execute(delete(usage).where(usage.c.window_start < window_start))
    done = conn.execute(
        update(usage)
        .where(usage.c.org_id == org_id, usage.c.window_start == window_start)
        .values(evaluations=usage.c.evaluations + n)
    )
    if done.rowcount == 0:
        conn.execute(usage.insert().values(org_id=org_id, window_start=window_start, evaluations=n))
