"""Audit use cases: recording what a principal did (in the caller's transaction; None: an operator
at the database, through the CLI), verifying the chain, and taking signed checkpoints."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from lionrock.access.model import Principal
from lionrock.errors import Conflict
from lionrock.hub import checkpoints
from lionrock.hub.audit_keys import KeyFileError, KeyPaths, create_missing, key_paths, read_mac_key, read_signing_key
from lionrock.hub.context import Hub
from lionrock.store import audit
from lionrock.store.engine import read_transaction


def record(
    conn: Connection,
    hub: Hub,
    who: Principal | None,
    action: str,
    subject: str | None = None,
    detail: dict[str, object] | None = None,
    anonymous: bool = False,
) -> None:
    audit.append(
        conn,
        chain_key(hub, conn),
        at=hub.clock(),
        org_id=who.org_id if who else None,
        token_id=who.token_id if who else None,
        action=action,
        subject=subject,
        detail=detail,
        anonymous=anonymous,
        user_id=who.user_id if who else None,
    )


def chain_key(hub: Hub, conn: Connection) -> bytes:
    """The MAC key for writing, created on first use; a lost key is an error, never silently replaced.

    Read on every write (a few microseconds) so that a key file removed under a running hub is
    noticed at once rather than at the next restart.
    """
    paths = key_paths(hub.settings)
    if not paths.mac.exists():
        if audit.has_keyed(conn):
            raise KeyFileError(
                f"the audit key file {paths.mac} is missing but the log already holds keyed entries: "
                "restore the file from your backup (a new key would make the whole log unverifiable)"
            )
        create_missing(paths)
    return read_mac_key(paths.mac)


def prepare_keys(hub: Hub) -> KeyPaths:
    """Create the key files if absent (`lionrock init`), refusing a fresh MAC key for a keyed log."""
    with read_transaction(hub.engine) as conn:
        chain_key(hub, conn)
    paths = key_paths(hub.settings)
    create_missing(paths)
    return paths


@dataclass(frozen=True)
class Verification:
    """What `audit verify` found: counts, the head, and each problem as (seq, reason)."""

    entries: int
    legacy: int
    head: audit.Link | None
    problems: tuple[audit.Break, ...]
    anchor: checkpoints.Checkpoint | None

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_log(hub: Hub, anchor: bytes | None = None) -> Verification:
    """Check every MAC and link; with an anchor, also that its entry still exists unchanged.

    Needs the key files and never creates them: verifying with a fresh key would prove nothing.
    """
    paths = key_paths(hub.settings)
    key = read_mac_key(paths.mac)
    checkpoint = checkpoints.parse(anchor) if anchor is not None else None
    problems: list[audit.Break] = []
    if checkpoint is not None:
        bad_signature = checkpoints.signature_problem(checkpoint, read_signing_key(paths.signing).public_key())
        if bad_signature:
            problems.append(audit.Break(checkpoint.seq, bad_signature))
    with read_transaction(hub.engine) as conn:
        chain = audit.check(conn, key)
        if chain.broken:
            problems.append(chain.broken)
        if checkpoint is not None and not problems:
            anchored = audit.entry(conn, checkpoint.seq) if checkpoint.seq else None
            problem = _anchor_problem(checkpoint, anchored, chain.head)
            if problem:
                problems.append(audit.Break(checkpoint.seq, problem))
    return Verification(chain.entries, chain.legacy, chain.head, tuple(problems), checkpoint)


def _anchor_problem(
    checkpoint: checkpoints.Checkpoint, anchored: audit.AuditEntry | None, head: audit.Link | None
) -> str | None:
    if checkpoint.seq == 0:
        return None
    ends = f"the log now ends at entry {head.seq}" if head else "the log is now empty"
    if anchored is None:
        return (
            f"the log was truncated: the checkpoint signed {checkpoint.signed_at} covers entries up to "
            f"{checkpoint.seq}, {ends}"
        )
    if anchored.hash != checkpoint.mac:
        return (
            f"the entry differs from the checkpoint signed {checkpoint.signed_at} "
            "(the log was re-chained or replaced from here on)"
        )
    return None


def take_checkpoint(hub: Hub) -> checkpoints.Checkpoint:
    """Sign the current head, once the whole chain has checked: a checkpoint never blesses tampering."""
    paths = key_paths(hub.settings)
    key = read_mac_key(paths.mac)
    signing = read_signing_key(paths.signing)
    with read_transaction(hub.engine) as conn:
        chain = audit.check(conn, key)
    if chain.broken:
        raise Conflict(
            f"no checkpoint taken: the audit log is broken at entry {chain.broken.seq}: {chain.broken.reason}"
        )
    return checkpoints.sign(chain.head, hub.clock(), signing)
