"""Append-only audit log, chained with a key kept outside the database.

Each entry's MAC is HMAC-SHA256, under the hub's audit key, over the previous entry's MAC and the
entry's own fields (seq included). Without the key nobody can edit an entry and re-chain the rest.
Rows written before the key existed (scheme "sha256") keep their plain SHA-256 chain: they are
checked the old way and may only form a prefix of the log.

The acting web user (`user_id`, migration 0010) is covered by the MAC in either scheme when it is
set: it is appended as one more field of the material. Entries without a user (tokens, the CLI, and
every row from before 0010) keep exactly the material they were written with, so they still verify,
and giving any of them a user id afterwards changes its material and breaks its MAC.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import Connection, Row, func, insert, select

from lionrock.store.schema import audit

GENESIS = "0" * 64


class Scheme(StrEnum):
    LEGACY = "sha256"
    """Plain SHA-256 chain of lionrock 0.1: detects accidents, not someone with database access."""
    KEYED = "hmac-sha256"
    """HMAC-SHA256 under the audit key file."""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: int
    org_id: int | None
    token_id: int | None
    action: str
    subject: str | None
    detail: str
    anonymous: bool
    prev_hash: str
    hash: str
    scheme: str
    user_id: int | None = None


@dataclass(frozen=True)
class Link:
    """One entry's place in the chain: what a checkpoint anchors."""

    seq: int
    mac: str
    at: int


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    legacy: int
    head: Link | None
    broken: Break | None


def legacy_hash(
    prev: str,
    at: int,
    org_id: int | None,
    token_id: int | None,
    action: str,
    subject: str | None,
    detail: str,
    anonymous: bool,
    user_id: int | None = None,
) -> str:
    fields: list[object] = [prev, at, org_id, token_id, action, subject, detail, anonymous]
    return hashlib.sha256(orjson.dumps(_with_user(fields, user_id))).hexdigest()


def entry_mac(
    key: bytes,
    prev: str,
    seq: int,
    at: int,
    org_id: int | None,
    token_id: int | None,
    action: str,
    subject: str | None,
    detail: str,
    anonymous: bool,
    user_id: int | None = None,
) -> str:
    fields: list[object] = [Scheme.KEYED.value, prev, seq, at, org_id, token_id, action, subject, detail, anonymous]
    return hmac.new(key, orjson.dumps(_with_user(fields, user_id)), hashlib.sha256).hexdigest()


def _with_user(fields: list[object], user_id: int | None) -> list[object]:
    """The material: without a user exactly as before migration 0010, with one a field longer (a JSON
    array of another length, so the two forms never coincide)."""
    return fields if user_id is None else [*fields, user_id]


def _expected(key: bytes, e: AuditEntry) -> str:
    fields = (e.at, e.org_id, e.token_id, e.action, e.subject, e.detail, e.anonymous)
    if e.scheme == Scheme.LEGACY:
        return legacy_hash(e.prev_hash, *fields, user_id=e.user_id)
    return entry_mac(key, e.prev_hash, e.seq, *fields, user_id=e.user_id)


def append(
    conn: Connection,
    key: bytes,
    *,
    at: int,
    org_id: int | None,
    token_id: int | None,
    action: str,
    subject: str | None = None,
    detail: dict[str, object] | None = None,
    anonymous: bool = False,
    user_id: int | None = None,
) -> None:
    """Append one entry; callers hold the write transaction, which serialises the chain."""
    last = conn.execute(select(audit.c.seq, audit.c.hash).order_by(audit.c.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    text = orjson.dumps(detail or {}, option=orjson.OPT_SORT_KEYS).decode()
    mac = entry_mac(key, prev, seq, at, org_id, token_id, action, subject, text, anonymous, user_id)
    conn.execute(
        insert(audit).values(
            seq=seq,
            at=at,
            org_id=org_id,
            token_id=token_id,
            action=action,
            subject=subject,
            detail=text,
            anonymous=anonymous,
            prev_hash=prev,
            hash=mac,
            scheme=Scheme.KEYED.value,
            user_id=user_id,
        )
    )


def entries(
    conn: Connection,
    org_id: int | None = None,
    limit: int = 1000,
    before: int | None = None,
    user_id: int | None = None,
) -> list[AuditEntry]:
    """Entries, newest first; restricted to one organisation's own actions when org_id is given, to
    one web user's when user_id is given, and to entries older than seq `before` when given (paging)."""
    stmt = select(*audit.c).order_by(audit.c.seq.desc()).limit(limit)
    if org_id is not None:
        stmt = stmt.where(audit.c.org_id == org_id)
    if user_id is not None:
        stmt = stmt.where(audit.c.user_id == user_id)
    if before is not None:
        stmt = stmt.where(audit.c.seq < before)
    return [_entry(r) for r in conn.execute(stmt)]


def entry(conn: Connection, seq: int) -> AuditEntry | None:
    row = conn.execute(select(*audit.c).where(audit.c.seq == seq)).first()
    return _entry(row) if row else None


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(audit)).scalar_one())


def has_keyed(conn: Connection) -> bool:
    """Whether any entry was written under a key (then losing the key file must not go unnoticed)."""
    found = conn.execute(select(audit.c.seq).where(audit.c.scheme == Scheme.KEYED.value).limit(1)).first()
    return found is not None


def check(conn: Connection, key: bytes) -> ChainCheck:
    """Walk the whole log in order (streamed) and check every link and MAC."""
    rows = conn.execution_options(yield_per=2000).execute(select(*audit.c).order_by(audit.c.seq))
    return check_chain((_entry(r) for r in rows), key)


def check_chain(rows: Iterable[AuditEntry], key: bytes) -> ChainCheck:
    """The first entry whose link, MAC or scheme does not check, given entries in seq order."""
    prev, n, legacy, keyed_seen, head = GENESIS, 0, 0, False, None
    for e in rows:
        broken = _first_fault(e, prev, key, keyed_seen, first_keyed=not keyed_seen)
        if broken:
            return ChainCheck(n, legacy, head, Break(e.seq, broken))
        legacy += e.scheme == Scheme.LEGACY
        keyed_seen = keyed_seen or e.scheme == Scheme.KEYED
        prev, n, head = e.hash, n + 1, Link(e.seq, e.hash, e.at)
    return ChainCheck(n, legacy, head, None)


def _first_fault(e: AuditEntry, prev: str, key: bytes, keyed_seen: bool, first_keyed: bool) -> str | None:
    if e.prev_hash != prev:
        return "its link does not match the previous entry (an entry was removed, inserted or reordered)"
    if e.scheme not in (Scheme.LEGACY, Scheme.KEYED):
        return f"unknown chain scheme {e.scheme!r}"
    if e.scheme == Scheme.LEGACY and keyed_seen:
        return "an unkeyed entry after keyed ones (the log was re-chained without the key)"
    if not hmac.compare_digest(_expected(key, e), e.hash):
        if e.scheme == Scheme.LEGACY:
            return "its hash does not match its contents (the entry was altered)"
        if first_keyed:
            return (
                "its MAC does not match its contents (the entry was altered or re-chained, "
                "or this is not the key the hub writes with)"
            )
        return "its MAC does not match its contents (the entry was altered, or re-chained without the key)"
    return None


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(**row._mapping)
