"""Keyed pseudonyms in the hub (docs/pseudonyms.md): the HMAC key, recording the personal values of an
intake job under their pseudonyms (value sealed, submitting organisation noted), and the audited reveal.

The HMAC key is a data key of purpose "pseudonym", wrapped by that purpose's KEK in the key provider
(hub/keyring.py): never in clear in the database, never logged. A KEK rotation re-wraps it and
changes no pseudonym. Values are sealed under data keys of purpose "pseudonym-value", one per job that
brings new values, each with the AAD `pseudonym|<id>|1`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from lionrock.access.model import Principal
from lionrock.access.pseudonyms import Ground, needs_reason, reason_of, reveal_ground
from lionrock.crypto import envelope
from lionrock.errors import Gone, Invalid, LionrockError, NotFound, RateLimited
from lionrock.hub import keyring
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.pii.pseudonyms import label, parse, pseudonym, shown
from lionrock.store import pseudonyms as store
from lionrock.store.engine import read_transaction, write_transaction

KEY_PURPOSE = "pseudonym"
VALUE_PURPOSE = "pseudonym-value"
SEAL_VERSION = 1
REVEALED, REFUSED, LIMITED = "pseudonym.reveal", "pseudonym.reveal_refused", "pseudonym.reveal_limited"
NOT_FOUND = "no such pseudonym"
"""The one answer to an unknown pseudonym and to one the caller may not reveal: nothing tells them apart."""
_HOUR_US = 3600 * 1_000_000


def _aad(pseudonym_id: str) -> bytes:
    return f"pseudonym|{pseudonym_id}|{SEAL_VERSION}".encode()


def hmac_key(conn: Connection, hub: Hub, *, create: bool) -> tuple[int, bytes] | None:
    """(data key id, key bytes) of the pseudonym key; made on first use when `create` (audited), else
    None while there is none."""
    key_id = store.hmac_key_id(conn, KEY_PURPOSE)
    if key_id is not None:
        return key_id, keyring.open_data_key(conn, hub, key_id)
    if not create:
        return None
    key_id, key = keyring.new_data_key(conn, hub, KEY_PURPOSE)
    record(conn, hub, None, "pseudonym.key_create", subject=str(key_id))
    return key_id, key


def record_values(
    conn: Connection, hub: Hub, org_id: int, job_id: str, values: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Pseudonyms for a job's personal (kind, value) pairs: new ones stored with the value sealed, and
    the organisation noted as a submitter of each. Returns value -> pseudonym id."""
    pairs = list(dict.fromkeys(values))
    if not pairs:
        return {}
    found = hmac_key(conn, hub, create=True)
    assert found is not None
    key_id, key = found
    ids = {(kind, value): pseudonym(key, kind, value) for kind, value in pairs}
    known = store.known(conn, ids.values())
    fresh = {pid: pair for pair, pid in ids.items() if pid not in known}
    now = hub.clock()
    if fresh:
        data_key_id, dek = keyring.new_data_key(conn, hub, VALUE_PURPOSE)
        for pid, (kind, value) in fresh.items():
            sealed = envelope.encrypt(value.encode(), dek, _aad(pid), data_key_id)
            store.add(conn, store.PseudonymRow(pid, kind, key_id, data_key_id, sealed, now))
    for pid in set(ids.values()):
        store.add_source(conn, pid, org_id, job_id, now)
    return {value: pid for (_, value), pid in ids.items()}


def pseudonyms_for(conn: Connection, hub: Hub, values: Iterable[tuple[str, str]]) -> dict[str, str]:
    """value -> pseudonym id, read only (no key yet: empty, and the draft falls back to a redaction mark)."""
    found = hmac_key(conn, hub, create=False)
    if found is None:
        return {}
    return {value: pseudonym(found[1], kind, value) for kind, value in values}


def reveal(hub: Hub, who: Principal, asked: str, reason: object) -> dict[str, Any]:
    """The value behind a pseudonym, for its submitting organisations and, with a reason, law
    enforcement. Every attempt is audited (never with the value); refusals and unknown pseudonyms
    are the same 404; more than `pseudonym_reveals_per_hour` attempts an hour: 429."""
    pid = parse(asked)
    now = hub.clock()
    problem: LionrockError | None = None
    out: dict[str, Any] = {}
    with write_transaction(hub.engine) as conn:
        try:
            why = reason_of(who, reason)
        except Invalid as exc:
            record(conn, hub, who, REFUSED, subject=pid, detail={"why": "reason"})
            problem = exc
        else:
            problem = _limited(conn, hub, who, pid, now)
            if problem is None:
                problem = _reveal(conn, hub, who, pid, why, out)
    if problem is not None:
        raise problem
    return out


def _limited(conn: Connection, hub: Hub, who: Principal, pid: str | None, now: int) -> RateLimited | None:
    limit = hub.settings.pseudonym_reveals_per_hour
    used = store.count_actions(conn, who.org_id, (REVEALED, REFUSED), now - _HOUR_US)
    if used < limit:
        return None
    record(conn, hub, who, LIMITED, subject=pid, detail={"used_this_hour": used})
    return RateLimited(f"your organisation has asked for {used} reveals in the last hour; the limit is {limit}", 3600)


def _reveal(
    conn: Connection, hub: Hub, who: Principal, pid: str | None, why: str, out: dict[str, Any]
) -> LionrockError | None:
    row = store.load(conn, pid) if pid else None
    ground = reveal_ground(who, store.submitters(conn, row.pseudonym) if row else frozenset(), why)
    if row is None or ground is None:
        record(conn, hub, who, REFUSED, subject=pid, detail={"why": "not found or not allowed", "reason": why})
        return NotFound(NOT_FOUND)
    detail: dict[str, object] = {"ground": str(ground), "kind": row.kind, "reason": why}
    try:
        value = keyring.unseal(conn, hub, row.data_key_id, row.sealed, _aad(row.pseudonym)).decode()
    except (Gone, keyring.KeyUnusable) as exc:  # its key was destroyed, or the row was tampered with
        record(conn, hub, who, REFUSED, subject=pid, detail={**detail, "why": "unreadable"})
        return exc
    record(conn, hub, who, REVEALED, subject=pid, detail=detail)
    out.update(
        pseudonym=row.pseudonym,
        shown=shown(row.pseudonym),
        kind=row.kind,
        label=label(row.kind),
        value=value,
        ground=str(ground),
        law_enforcement=ground is Ground.LAW_ENFORCEMENT,
    )
    return None


def about(hub: Hub, who: Principal, asked: str) -> dict[str, Any]:
    """What the reveal form shows before anything is revealed: the pseudonym as asked (parsed) and
    whether the caller must give a reason. Looks nothing up, so it confirms nothing."""
    pid = parse(asked)
    if pid is None:
        raise NotFound(NOT_FOUND)
    return {"pseudonym": pid, "shown": shown(pid), "reason_required": needs_reason(who)}


def submitted_by(hub: Hub, pid: str) -> frozenset[int]:
    """The organisations recorded as submitters (for tests and operators)."""
    with read_transaction(hub.engine) as conn:
        return store.submitters(conn, pid)


__all__ = ["NOT_FOUND", "about", "hmac_key", "pseudonyms_for", "record_values", "reveal"]
