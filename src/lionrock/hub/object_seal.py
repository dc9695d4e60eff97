"""Sealed STIX object versions (docs/keys.md "Object bodies"): the body encrypted with AES-256-GCM under
a data key shared by a run of versions of one producer and TLP band, bound to the version by its AAD;
`value` and `search_text` replaced by keyed blind indexes so that value and whole-word search still work.

The store returns sealed rows as they are (the store may not import the hub); every hub path that reads a
body opens the rows here first. `body` of a sealed row keeps only the two facts SQL reads: the object
type of an indicator's pattern (the dashboard's index) and `"revoked":true`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol, TypeVar

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection

from lionrock.access.model import Audience
from lionrock.access.policy import Visibility
from lionrock.crypto import blind, envelope
from lionrock.errors import BadRequest, Gone
from lionrock.hub import keyring
from lionrock.hub.context import Hub
from lionrock.hub.object_key_cache import Writing
from lionrock.store import keys as key_store
from lionrock.store import objects as objects_store
from lionrock.store.dashboard import latest_visible
from lionrock.store.engine import read_transaction, write_transaction
from lionrock.store.objects import NewVersion, ObjectQuery

PURPOSE = "objects"
BLIND_PURPOSE = "blind-index"
MODES = ("all", "restricted", "off")
RESTRICTED_TLPS = frozenset({"amber+strict", "red"})
ROLL_EVERY = 10_000
"""Versions sealed under one data key before a fresh one is made: a data key per version would cost a
wrap (and a row) per object and an unwrap per object read; one per (producer, band) for ever would make a
leaked data key expose too much. 10,000 keeps a TAXII page to one or two unwraps."""

log = logging.getLogger(__name__)


class SealedRow(Protocol):
    @property
    def stix_id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def producer_org_id(self) -> int: ...
    @property
    def body(self) -> str: ...
    @property
    def sealed(self) -> bytes | None: ...
    @property
    def data_key_id(self) -> int | None: ...


R = TypeVar("R", bound=SealedRow)


class Unreadable(keyring.KeyUnusable):
    """A sealed version does not authenticate (tampered, or copied from another row): never served."""


def mode(hub: Hub) -> str:
    chosen = hub.settings.seal_objects.strip().lower()
    if chosen not in MODES:
        raise BadRequest(f"seal_objects must be one of {', '.join(MODES)}, not {chosen!r}")
    return chosen


def restricted(tlp: str) -> bool:
    return tlp in RESTRICTED_TLPS


def aad(stix_id: str, version: str, producer_org_id: int) -> bytes:
    """What a sealed body is: this version of this object by this producer."""
    return f"object|{stix_id}|{version}|{producer_org_id}".encode()


def sql_facts(body: str) -> str:
    """The clear stand-in for a sealed body: what schema.PATTERN_OBJECT_TYPE and the dashboard's
    `"revoked":true` test read from the real body, nothing else (computed as the SQL computes it)."""
    facts: dict[str, object] = {}
    start = body.find('"pattern":"')
    if start >= 0:
        head = body[start + 11 : start + 131].lstrip("[( ")
        colon = head.find(":")
        kind = head[:colon] if colon > 0 else ""
        if kind and '"' not in kind and "\\" not in kind:
            facts["pattern"] = kind + ":"
    if '"revoked":true' in body:
        facts["revoked"] = True
    return orjson.dumps(facts, option=orjson.OPT_SORT_KEYS).decode()


# --- blind index key -----------------------------------------------------------------------------------


def blind_key(conn: Connection, hub: Hub, *, create: bool) -> bytes | None:
    """The hub's blind-index key: one data key of purpose blind-index, wrapped by a KEK of that purpose
    (never in clear in the database); made by the first sealed publish. None when there is none yet."""
    found = key_store.first_data_key(conn, BLIND_PURPOSE)
    if found is None:
        if not create:
            return None
        _, key = keyring.new_data_key(conn, hub, BLIND_PURPOSE)
        return key  # not cached: the transaction that made it may yet roll back
    row, kek = found
    cache = hub.object_keys
    held = cache.blind
    if held is not None and held[0] == (row.id, row.wrapped):
        return held[1]
    key = keyring.unwrap(hub, kek, row.wrapped)
    cache.blind = ((row.id, row.wrapped), key)
    return key


def blind_query(conn: Connection, hub: Hub, q: ObjectQuery) -> ObjectQuery:
    """The query with the blind forms of its value, words and observables, so sealed rows are found too."""
    if not (q.text or q.value is not None or q.observables):
        return q
    try:
        key = blind_key(conn, hub, create=False)
    except Gone:  # its KEK is gone at the provider: sealed rows are not found, clear ones still are
        key = None
    if key is None:
        return q
    return replace(
        q,
        blind_value=blind.blind_value(key, q.value.strip().lower()) if q.value is not None else None,
        blind_words=tuple(
            tuple(sorted(blind.word_token(key, w) for w in blind.query_words(word)))
            for word in (q.text or "").lower().split()
        ),
        blind_observables=tuple(blind.blind_value(key, form) for form in q.observables),
        blind_literals=tuple(blind.literal_token(key, blind.literal_form(form)) for form in q.observables),
    )


# --- sealing -------------------------------------------------------------------------------------------


def seal_versions(conn: Connection, hub: Hub, versions: list[NewVersion], *, force: bool = False) -> list[NewVersion]:
    """The versions as stored under the seal_objects setting (force: all of them): sealed ones carry the
    envelope, the SQL facts as body, and blind value and search tokens."""
    chosen = "all" if force else mode(hub)
    wanted = [v for v in versions if chosen == "all" or (chosen == "restricted" and restricted(v.tlp))]
    if not wanted:
        return versions
    key = blind_key(conn, hub, create=True)
    assert key is not None
    counts: dict[tuple[int, bool], int] = {}
    for v in wanted:
        band = (v.producer_org_id, restricted(v.tlp))
        counts[band] = counts.get(band, 0) + 1
    writing = {band: _writing_key(conn, hub, band, n) for band, n in counts.items()}
    sealed_ids = {id(v) for v in wanted}
    out: list[NewVersion] = []
    for v in versions:
        if id(v) not in sealed_ids:
            out.append(v)
            continue
        w = writing[(v.producer_org_id, restricted(v.tlp))]
        out.append(seal_one(v, key, w.data_key_id, w.cipher))
    return out


def seal_one(v: NewVersion, key: bytes, data_key_id: int, cipher: AESGCM) -> NewVersion:
    box = envelope.encrypt_with(v.body.encode(), cipher, aad(v.stix_id, v.version, v.producer_org_id), data_key_id)
    return _copy(
        v,
        body=sql_facts(v.body),
        sealed=box,
        data_key_id=data_key_id,
        value=blind.blind_value(key, v.value) if v.value is not None else None,
        search_text=blind.search_tokens(key, v.search_text, literals=v.stix_type == "indicator"),
    )


def _writing_key(conn: Connection, hub: Hub, band: tuple[int, bool], n: int) -> Writing:
    """The data key for this (producer, restricted?) band: the one in use while it wraps under the KEK that
    new data keys would get and has sealed fewer than ROLL_EVERY versions, else a fresh one. Restricted
    versions of an organisation with its own `objects` key get data keys under that key (so destroying it
    shreds them alone)."""
    org_id, is_restricted = band
    owner = org_id if is_restricted else None
    kek = (key_store.active_key(conn, PURPOSE, owner) if owner is not None else None) or key_store.active_key(
        conn, PURPOSE, None
    )
    cache = hub.object_keys
    current = cache.writing.get(band)
    if current is not None and kek is not None and current.kek_id == kek.id and current.used + n <= ROLL_EVERY:
        row = key_store.data_key(conn, current.data_key_id)
        if row is not None and row[0].kek_id == kek.id and row[0].wrapped == current.wrapped:
            current.used += n
            return current
    data_key_id, key = keyring.new_data_key(conn, hub, PURPOSE, owner)
    found = key_store.data_key(conn, data_key_id)
    assert found is not None
    fresh = Writing(data_key_id, found[1].id, found[0].wrapped, key, envelope.cipher(key), n)
    cache.writing[band] = fresh
    return fresh


# --- opening -------------------------------------------------------------------------------------------


def open_rows(conn: Connection, hub: Hub, rows: Sequence[R], *, strict: bool = False) -> list[R]:
    """The rows with sealed bodies opened. A version whose key was destroyed is left out (strict: when no
    row is left, Gone); one that does not authenticate is left out and logged (strict: Unreadable)."""
    ids = {r.data_key_id for r in rows if r.sealed is not None and r.data_key_id is not None}
    if not ids:
        return list(rows)
    keys = _data_keys(conn, hub, ids)
    out: list[R] = []
    gone = 0
    for r in rows:
        if r.sealed is None:
            out.append(r)
            continue
        data_key_id = r.data_key_id if r.data_key_id is not None else -1
        if data_key_id in keys and keys[data_key_id] is None:
            gone += 1
            continue
        try:
            key = keys.get(data_key_id)
            if key is None:
                raise envelope.EnvelopeError("its row names no data key the hub holds")
            plain = envelope.decrypt_with(r.sealed, key, aad(r.stix_id, r.version, r.producer_org_id), data_key_id)
        except envelope.EnvelopeError as exc:
            log.warning("sealed version of %s refused: %s", r.stix_id, exc)
            if strict:
                raise Unreadable("this object's stored form does not authenticate: it is not shown") from exc
            continue
        out.append(_copy(r, body=plain.decode(), sealed=None))
    if strict and gone and not out:
        raise Gone("this object's key was destroyed (crypto-shredded by its producer's key): it cannot be read")
    return out


T = TypeVar("T")


def _copy(row: T, **changes: object) -> T:
    """A shallow copy of a frozen dataclass with some fields changed, for the hot paths:
    dataclasses.replace re-runs __init__ with every field, which cost as much as the decryption on
    TAXII pages."""
    copy = object.__new__(type(row))
    copy.__dict__.update(row.__dict__, **changes)
    return copy


def _data_keys(conn: Connection, hub: Hub, ids: set[int]) -> dict[int, AESGCM | None]:
    """The data keys among these ids that the hub holds, as ciphers, None for those whose KEK was
    destroyed; from the cache when their wrapped form is unchanged (the KEK's state is checked on every
    read, so a destroy in another process counts at once)."""
    cache = hub.object_keys
    found: dict[int, AESGCM | None] = {}
    for data_key_id, (row, kek) in key_store.data_keys_of(conn, ids).items():
        if kek.state == key_store.DESTROYED:
            found[data_key_id] = None
            continue
        key = cache.get(data_key_id, row.wrapped)
        if key is None:
            try:
                key = envelope.cipher(keyring.unwrap(hub, kek, row.wrapped))
            except Gone:
                found[data_key_id] = None
                continue
            cache.put(data_key_id, row.wrapped, key)
        else:
            keyring.count_use(hub, kek.id, 1)
        found[data_key_id] = key
    return found


def forget_keys(hub: Hub) -> None:
    """Drop every unwrapped object key held in this process (after a rotation, retirement or destroy)."""
    hub.object_keys.forget()


def latest_bodies(conn: Connection, hub: Hub, vis: Visibility, ids: list[str]) -> dict[str, str]:
    """The latest readable visible version's body of each of a few ids (names for the rows shown)."""
    rows = open_rows(conn, hub, latest_visible(conn, vis, ids))
    return {r.stix_id: r.body for r in rows}


def seal_stored(hub: Hub, *, batch: int = 500, progress: Callable[[int, int], None] | None = None) -> int:
    """Seal the versions stored in clear that the seal_objects setting wants sealed, `batch` per write
    transaction, oldest first; returns how many. Online (readers read each row clear or sealed, both
    open) and resumable (run it again: it carries on with the rows still clear)."""
    chosen = mode(hub)
    if chosen == "off":
        raise BadRequest("seal_objects is off: set LIONROCK_SEAL_OBJECTS to all or restricted first")
    tlps = tuple(sorted(RESTRICTED_TLPS)) if chosen == "restricted" else None
    with read_transaction(hub.engine) as conn:
        total = objects_store.count_clear(conn, tlps)
    done, after = 0, 0
    if progress:
        progress(done, total)
    while True:
        with write_transaction(hub.engine) as conn:
            rows = objects_store.clear_rows(conn, after, batch, tlps)
            if not rows:
                break
            done += objects_store.seal_rows(
                conn, list(zip([r.pk for r in rows], _sealed(conn, hub, rows), strict=True))
            )
            after = rows[-1].pk
        if progress:
            progress(done, max(total, done))
    return done


def _sealed(conn: Connection, hub: Hub, rows: list[objects_store.ClearRow]) -> list[NewVersion]:
    """Clear rows sealed as a publish would have sealed them (same data keys, AAD and blind indexes)."""
    versions = [
        NewVersion(
            stix_id=r.stix_id,
            stix_type=r.stix_type,
            version=r.version,
            spec_version="",
            body=r.body,
            producer_org_id=r.producer_org_id,
            tlp=r.tlp,
            audience=Audience(),
            anonymous=False,
            channel=None,
            ref_ids=(),
            value=r.value,
            search_text=r.search_text,
        )
        for r in rows
    ]
    return seal_versions(conn, hub, versions, force=True)


# --- re-encryption after a rotation --------------------------------------------------------------------


def count_carried(hub: Hub) -> int:
    """Versions still sealed under data keys that a rotation carried over (re-wrapped, not replaced)."""
    with read_transaction(hub.engine) as conn:
        return key_store.count_carried(conn, PURPOSE)


def reencrypt_carried(
    hub: Hub, *, batch: int = 500, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int, int]:
    """Re-encrypt the versions whose data key predates the KEK that wraps it now under fresh data keys,
    `batch` per write transaction, then delete the carried-over data keys nothing uses any more. Returns
    (versions re-encrypted, versions that would not open and were left as they are, data keys deleted).
    Online: each row is swapped from one envelope to the other in one update, readers open either.
    Resumable: what is left is found again by the same rule (data key older than its KEK)."""
    with read_transaction(hub.engine) as conn:
        total = key_store.count_carried(conn, PURPOSE)
    done, refused, after = 0, 0, 0
    if progress:
        progress(done, total)
    while True:
        with write_transaction(hub.engine) as conn:
            rows = key_store.carried_versions(conn, PURPOSE, after, batch)
            if not rows:
                break
            after = rows[-1].pk
            opened = open_rows(conn, hub, rows)
            refused += len(rows) - len(opened)
            counts: dict[tuple[int, bool], int] = {}
            for r in opened:
                band = (r.producer_org_id, restricted(r.tlp))
                counts[band] = counts.get(band, 0) + 1
            writing = {band: _writing_key(conn, hub, band, n) for band, n in counts.items()}
            for r in opened:
                w = writing[(r.producer_org_id, restricted(r.tlp))]
                box = envelope.encrypt_with(
                    r.body.encode(), w.cipher, aad(r.stix_id, r.version, r.producer_org_id), w.data_key_id
                )
                if key_store.reseal(conn, r.pk, r.data_key_id, box, w.data_key_id):
                    done += 1
        if progress:
            progress(done, max(total, done + refused))
    with write_transaction(hub.engine) as conn:
        dropped = key_store.drop_carried_data_keys(conn, PURPOSE)
    forget_keys(hub)
    return done, refused, dropped
