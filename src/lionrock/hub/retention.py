"""The purge job: remove what retention says is due, one transaction per kind, and prove what went.

Each kind that removed anything gets an audit entry "retention.purge" in the same transaction as the
removal: the count, the cut-off, the first and last id, and the SHA-256 over the removed ids (in id
order, one per line, as text), so a later check against a backup can confirm exactly which rows went.
A dry run reads the same rows and removes nothing. The audit log itself is never purged (it is a chain:
dropping its head would break every later link; see docs/retention.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from lionrock.access.classification import Classification, RecordKind, classify_record
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.settings import Settings
from lionrock.stix.ids import us_to_timestamp
from lionrock.store import retention as store
from lionrock.store.engine import read_transaction, write_transaction

_HOUR_US = 3600 * 1_000_000
_DAY_US = 24 * _HOUR_US
ACTION = "retention.purge"


@dataclass(frozen=True)
class Policy:
    """One kind's retention: its rule, its period in microseconds (0: kept for ever), its classification."""

    kind: RecordKind
    rule: store.Rule
    period_us: int
    classification: Classification


def policies(settings: Settings) -> list[Policy]:
    """The retention table, from settings (docs/retention.md lists the defaults)."""
    periods = [
        (RecordKind.INTAKE_TEXT, store.INTAKE_TEXT, settings.intake_retention_hours * _HOUR_US),
        (RecordKind.INTAKE_JOB, store.INTAKE_JOB, settings.retention_intake_job_days * _DAY_US),
        (RecordKind.SIGHTING, store.SIGHTING, settings.retention_sighting_days * _DAY_US),
        (RecordKind.NOTIFICATION, store.NOTIFICATION, settings.retention_notification_days * _DAY_US),
        (RecordKind.WEB_SESSION, store.WEB_SESSION, settings.web_session_idle * 1_000_000),
    ]
    return [Policy(kind, rule, period, classify_record(kind)) for kind, rule, period in periods]


def ids_digest(ids: Sequence[object]) -> str:
    """SHA-256 over the ids as text, one per line, in id order: what a purge proof records."""
    return hashlib.sha256("".join(f"{i}\n" for i in ids).encode()).hexdigest()


@dataclass(frozen=True)
class Removal:
    """What one kind's purge removed (or, in a dry run, would remove)."""

    kind: RecordKind
    count: int
    cutoff_us: int | None
    first_id: str | None
    last_id: str | None
    ids_sha256: str
    classification: Classification

    def detail(self) -> dict[str, object]:
        return {
            "kind": str(self.kind),
            "count": self.count,
            "before": us_to_timestamp(self.cutoff_us) if self.cutoff_us is not None else None,
            "first_id": self.first_id,
            "last_id": self.last_id,
            "ids_sha256": self.ids_sha256,
            "classification": self.classification.label,
        }


def purge(hub: Hub, *, dry_run: bool = False) -> list[Removal]:
    """Purge every kind that has a retention period; a kind kept for ever is reported with count 0."""
    return [_purge_kind(hub, policy, dry_run) for policy in policies(hub.settings)]


def _purge_kind(hub: Hub, policy: Policy, dry_run: bool) -> Removal:
    if policy.period_us <= 0:
        return Removal(policy.kind, 0, None, None, None, ids_digest([]), policy.classification)
    now = hub.clock()
    cutoff = now - policy.period_us
    transaction = read_transaction if dry_run else write_transaction
    with transaction(hub.engine) as conn:
        ids = store.due(conn, policy.rule, cutoff)
        removal = Removal(
            policy.kind, len(ids), cutoff, str(ids[0]) if ids else None, str(ids[-1]) if ids else None,
            ids_digest(ids), policy.classification,
        )  # fmt: skip
        if dry_run or not ids:
            return removal
        removed = store.remove(conn, policy.rule, ids, now)
        if removed != len(ids):  # cannot happen under the write lock; refuse to record a false proof
            raise RuntimeError(f"retention {policy.kind}: {removed} rows removed, {len(ids)} were due")
        record(conn, hub, None, ACTION, str(policy.kind), removal.detail())
    return removal
