"""Key lifecycle use cases (operator-level, `lionrock keys ...`): list, create, rotate, retire, destroy,
review. Every change is audited (who: None, the operator at the database).

Rotation makes a new KEK and re-wraps every data key of the old one under it, in batches of one
transaction each: the data itself is not re-encrypted (its data keys do not change, only what wraps
them). It runs online (a reader reads a data key with the KEK that wraps it at that moment; the old
KEK is retired, not destroyed, so both keep working) and is resumable: rotating a retired key that
has a successor carries on moving what is left."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lionrock.access.model import Principal
from lionrock.access.permissions import key_scope, require_key_action
from lionrock.crypto.material import parse_key_material
from lionrock.crypto.provider import KeyProviderError
from lionrock.errors import Conflict, Invalid, NotFound
from lionrock.hub import keyring, object_seal
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.hub.object_seal import forget_keys
from lionrock.store import keys as store
from lionrock.store import members
from lionrock.store.engine import read_transaction, write_transaction

_PURPOSE = re.compile(r"[a-z][a-z0-9-]{0,63}")
_DAY_US = 86_400 * 1_000_000
MAX_ROTATION_DAYS = 100 * 366


@dataclass(frozen=True)
class KeyInfo:
    key: store.KeyRow
    data_keys: int
    owner: str | None = None
    due: bool = False


@dataclass(frozen=True)
class Rotation:
    old: int
    new: int
    rewrapped: int
    resumed: bool


@dataclass(frozen=True)
class Destruction:
    key: int
    data_keys: int
    intake_jobs: int
    forced: bool
    objects: int = 0  # stored object versions sealed under it (hub/object_seal.py)


def _due(hub: Hub, k: store.KeyRow, now: int) -> bool:
    return k.state == store.ACTIVE and now - (k.last_rotated or k.created) > k.rotation_days * _DAY_US


def list_keys(hub: Hub, who: Principal | None = None) -> list[KeyInfo]:
    """Every KEK (for `who`, those it may see: access.permissions.key_scope) with how many data keys it
    wraps now (usage counts flushed first), its owner's name and whether review finds it overdue."""
    scope = None if who is None else key_scope(who).org_id
    with write_transaction(hub.engine) as conn:
        keyring.flush_usage(conn, hub)
    now = hub.clock()
    with read_transaction(hub.engine) as conn:
        found = []
        for k in store.all_keys(conn):
            if scope is not None and k.org_id != scope:
                continue
            org = members.org_by_id(conn, k.org_id) if k.org_id is not None else None
            found.append(KeyInfo(k, store.count_data_keys(conn, k.id), org.name if org else None, _due(hub, k, now)))
        return found


def _check(who: Principal | None, action: str, row: store.KeyRow) -> None:
    if who is not None:
        require_key_action(who, action, row.id, row.org_id)


def create(
    hub: Hub, purpose: str, rotation_days: int | None = None, org: str | None = None, actor: Principal | None = None
) -> store.KeyRow:
    """A new active KEK for the purpose: new data keys of that purpose are wrapped under it. With `org`,
    the organisation's own key: its data alone is wrapped under it (destroying it shreds that data)."""
    if not _PURPOSE.fullmatch(purpose):
        raise Invalid("a key purpose is 1-64 lower-case letters, digits and dashes, starting with a letter")
    if rotation_days is not None and not 1 <= rotation_days <= MAX_ROTATION_DAYS:
        raise Invalid(f"rotation days must be between 1 and {MAX_ROTATION_DAYS}")
    with write_transaction(hub.engine) as conn:
        org_id = None
        if org is not None:
            found = members.org_by_name(conn, org)
            if found is None:
                raise NotFound(f"no organisation {org[:100]!r}")
            org_id = found.id
        if actor is not None:
            require_key_action(actor, "create", 0, org_id)
        return keyring.create_kek(conn, hub, purpose, rotation_days, org_id, actor)


def import_key(hub: Hub, purpose: str, org: str, data: bytes, rotation_days: int | None = None) -> store.KeyRow:
    """Bring your own key: 256-bit material the organisation generated becomes its own active KEK for the
    purpose, in the configured provider (a sensitive, non-extractable token key on PKCS#11). Refused if
    it is the wrong length or plainly not random; the material is never logged or echoed."""
    if not _PURPOSE.fullmatch(purpose):
        raise Invalid("a key purpose is 1-64 lower-case letters, digits and dashes, starting with a letter")
    if rotation_days is not None and not 1 <= rotation_days <= MAX_ROTATION_DAYS:
        raise Invalid(f"rotation days must be between 1 and {MAX_ROTATION_DAYS}")
    try:
        material = parse_key_material(data)
    except KeyProviderError as exc:
        raise Invalid(str(exc)) from exc
    with write_transaction(hub.engine) as conn:
        found = members.org_by_name(conn, org)
        if found is None:
            raise NotFound(f"no organisation {org[:100]!r}")
        return keyring.create_kek(conn, hub, purpose, rotation_days, found.id, material=material)


def create_own(hub: Hub, who: Principal, purpose: str) -> store.KeyRow:
    """An org-admin's own key for the purpose (the web's 'create'): its organisation's data of that
    purpose is wrapped under it from now on, and withdrawing it crypto-shreds that data."""
    return create(hub, purpose, org=who.org_name, actor=who)


def _known(row: store.KeyRow | None, key_id: int) -> store.KeyRow:
    if row is None:
        raise NotFound(f"no key {key_id}")
    return row


def rotate(
    hub: Hub,
    key_id: int,
    *,
    batch: int = 200,
    progress: Callable[[int, int], None] | None = None,
    actor: Principal | None = None,
) -> Rotation:
    """Replace the KEK by a new one and re-wrap its data keys (see the module docstring)."""
    with write_transaction(hub.engine) as conn:
        old = _known(store.key(conn, key_id), key_id)
        _check(actor, "rotate", old)
        if old.state == store.DESTROYED:
            raise Conflict(f"key {key_id} is destroyed: nothing to rotate")
        resumed = old.state == store.RETIRED and old.replaced_by is not None
        if resumed:
            assert old.replaced_by is not None
            new = _known(store.key(conn, old.replaced_by), old.replaced_by)
            if new.state == store.DESTROYED:
                raise Conflict(f"key {key_id} was rotated to key {new.id}, which is destroyed since")
        elif old.state == store.RETIRED:
            raise Conflict(f"key {key_id} is retired: create a new key instead of rotating it")
        else:
            new = keyring.create_kek(conn, hub, old.purpose, old.rotation_days, old.org_id)
            store.set_key(conn, old.id, state=store.RETIRED, replaced_by=new.id)
        total = store.count_data_keys(conn, old.id)
        record(conn, hub, actor, "key.rotate", subject=str(old.id), detail={"new": new.id, "data_keys": total})
    done = 0
    if progress:
        progress(done, total)
    while True:
        with write_transaction(hub.engine) as conn:
            rows = store.data_keys_under(conn, old.id, batch)
            for row in rows:
                dek = keyring.unwrap(hub, old, row.wrapped)
                if store.rewrap(conn, row.id, old.id, new.id, keyring.wrap(hub, new, dek)):
                    done += 1
            keyring.count_use(hub, new.id, len(rows))
            keyring.flush_usage(conn, hub)
            store.set_key(conn, new.id, last_rotated=hub.clock())
        if progress:
            progress(done, max(total, done))
        if not rows:
            break
    with write_transaction(hub.engine) as conn:
        record(conn, hub, actor, "key.rotated", subject=str(old.id), detail={"new": new.id, "rewrapped": done})
    forget_keys(hub)
    return Rotation(old.id, new.id, done, resumed)


@dataclass(frozen=True)
class Reencryption:
    versions: int
    refused: int
    data_keys_deleted: int


def reencrypt_objects(
    hub: Hub, *, batch: int = 500, progress: Callable[[int, int], None] | None = None
) -> Reencryption:
    """After `rotate` of an `objects` key: re-encrypt the object versions still under data keys the
    rotation carried over, under fresh data keys, and delete those old data keys (audited)."""
    with write_transaction(hub.engine) as conn:
        record(conn, hub, None, "key.reencrypt", subject=object_seal.PURPOSE, detail={})
    versions, refused, dropped = object_seal.reencrypt_carried(hub, batch=batch, progress=progress)
    with write_transaction(hub.engine) as conn:
        record(
            conn,
            hub,
            None,
            "key.reencrypted",
            subject=object_seal.PURPOSE,
            detail={"versions": versions, "refused": refused, "data_keys_deleted": dropped},
        )
    return Reencryption(versions, refused, dropped)


def retire(hub: Hub, key_id: int, actor: Principal | None = None) -> store.KeyRow:
    """No new data keys are wrapped under a retired key; what it wraps stays readable."""
    with write_transaction(hub.engine) as conn:
        row = _known(store.key(conn, key_id), key_id)
        _check(actor, "retire", row)
        if row.state != store.ACTIVE:
            raise Conflict(f"key {key_id} is {row.state}, not active")
        store.set_key(conn, key_id, state=store.RETIRED)
        record(conn, hub, actor, "key.retire", subject=str(key_id), detail={"purpose": row.purpose})
        found = _known(store.key(conn, key_id), key_id)
    forget_keys(hub)
    return found


def destroy(hub: Hub, key_id: int, *, force: bool = False, actor: Principal | None = None) -> Destruction:
    """Delete the KEK at its provider. Refused while data keys depend on it unless forced: forcing
    crypto-shreds them (what they protect becomes unreadable for good), and the count says so."""
    with write_transaction(hub.engine) as conn:
        row = _known(store.key(conn, key_id), key_id)
        _check(actor, "withdraw", row)
        if row.state == store.DESTROYED:
            raise Conflict(f"key {key_id} is already destroyed")
        dependent = store.count_data_keys(conn, key_id)
        jobs = store.sealed_jobs_under(conn, key_id)
        shredded = store.sealed_objects_under(conn, key_id)
        if dependent and not force:
            raise Conflict(
                f"key {key_id} still wraps {dependent} data keys ({jobs} intake jobs) sealing {shredded} object "
                "versions: rotate it first, "
                "or --force to make that data unreadable for good"
            )
        store.set_key(conn, key_id, state=store.DESTROYED)
        detail: dict[str, object] = {"data_keys": dependent, "intake_jobs": jobs, "objects": shredded, "forced": force}
        record(conn, hub, actor, "key.destroy", subject=str(key_id), detail=detail)
        try:
            keyring.provider(hub.settings, row.provider).destroy(row.provider_ref)
        except keyring.KeyProviderError as exc:
            raise keyring.KeyUnusable(f"the provider could not destroy key {key_id}: {exc}") from exc
    forget_keys(hub)
    return Destruction(key_id, dependent, jobs, force, shredded)


def withdrawal(hub: Hub, who: Principal, key_id: int) -> Destruction:
    """What withdrawing the key would shred (the confirmation page states it); nothing changes."""
    with read_transaction(hub.engine) as conn:
        row = _known(store.key(conn, key_id), key_id)
        require_key_action(who, "withdraw", row.id, row.org_id)
        if row.state == store.DESTROYED:
            raise Conflict(f"key {key_id} is already destroyed")
        return Destruction(
            key_id,
            store.count_data_keys(conn, key_id),
            store.sealed_jobs_under(conn, key_id),
            True,
            store.sealed_objects_under(conn, key_id),
        )


def withdraw(hub: Hub, who: Principal, key_id: int, typed: str) -> Destruction:
    """An org-admin destroys its own key (crypto-shredding, irreversible): only when the key id was typed
    back exactly, so no stray click or forged link shreds anything."""
    if typed.strip() != str(key_id):
        raise Invalid("type the key id to confirm the withdrawal")
    return destroy(hub, key_id, force=True, actor=who)


def review(hub: Hub) -> list[store.KeyRow]:
    """Active keys past their rotation period (last rotated or created more than rotation_days ago)."""
    now = hub.clock()
    with write_transaction(hub.engine) as conn:
        overdue = [k for k in store.all_keys(conn) if _due(hub, k, now)]
        record(conn, hub, None, "key.review", detail={"overdue": [k.id for k in overdue]})
    return overdue
