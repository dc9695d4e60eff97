"""Envelope encryption in the hub: the configured KeyProvider, data keys wrapped under the active KEK of
a purpose, and seal/unseal of a value bound to what it is (its AAD). docs/keys.md has the design."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection

from lionrock.access.model import Principal
from lionrock.crypto import envelope
from lionrock.crypto.hsm import Pkcs11Provider
from lionrock.crypto.local import LocalKeyFile
from lionrock.crypto.provider import KeyGone, KeyProvider, KeyProviderError
from lionrock.errors import BadRequest, Gone, LionrockError
from lionrock.hub.audit_keys import MAC_SUFFIX, key_paths
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.settings import Settings
from lionrock.store import keys as store

__all__ = ["KeyProviderError", "KeyUnusable"]

KEYS_SUFFIX = ".keys"
PROVIDERS = ("local", "pkcs11")
_usage_lock = threading.Lock()


class KeyUnusable(LionrockError):
    """The key provider failed, or sealed data does not authenticate: never served as if readable."""

    status = 500


def key_file(settings: Settings) -> Path:
    """The key_file setting, else beside the audit MAC key with its own suffix."""
    if settings.key_file:
        return Path(settings.key_file).expanduser()
    mac = key_paths(settings).mac
    return mac.with_name(mac.name.removesuffix(MAC_SUFFIX) + KEYS_SUFFIX)


def provider(settings: Settings, name: str | None = None) -> KeyProvider:
    """The provider named (default: the key_provider setting), opened once per process and settings."""
    chosen = name or settings.key_provider
    if chosen == "local":
        return _local(key_file(settings))
    if chosen == "pkcs11":
        if not settings.key_pkcs11_token:
            raise BadRequest("key_provider pkcs11 needs LIONROCK_KEY_PKCS11_TOKEN (and _PIN, _LIBRARY)")
        try:
            return _pkcs11(settings.key_pkcs11_library, settings.key_pkcs11_token, settings.key_pkcs11_pin)
        except KeyProviderError as exc:
            raise KeyUnusable(str(exc)) from exc
    raise BadRequest(f"unknown key provider {chosen!r} (one of {', '.join(PROVIDERS)})")


@lru_cache(maxsize=8)
def _local(path: Path) -> LocalKeyFile:
    return LocalKeyFile(path)


@lru_cache(maxsize=8)
def _pkcs11(library: str, token: str, pin: str) -> Pkcs11Provider:
    return Pkcs11Provider(library, token, pin)


def create_kek(
    conn: Connection,
    hub: Hub,
    purpose: str,
    rotation_days: int | None = None,
    org_id: int | None = None,
    who: Principal | None = None,
    material: bytes | None = None,
) -> store.KeyRow:
    """A new active KEK for the purpose (and owning organisation, None: the hub's own), at the
    configured provider; audited (who: the operator)."""
    chosen = provider(hub.settings)
    days = rotation_days if rotation_days is not None else hub.settings.key_rotation_days
    try:
        ref = chosen.create_kek(purpose) if material is None else chosen.import_kek(purpose, material)
    except KeyProviderError as exc:
        raise KeyUnusable(str(exc)) from exc
    key_id = store.add_key(
        conn, purpose=purpose, org_id=org_id, provider=chosen.name, ref=ref, now=hub.clock(), rotation_days=days
    )
    detail: dict[str, object] = {"purpose": purpose, "provider": chosen.name, "org_id": org_id}
    if material is not None:
        detail["imported"] = True
    record(conn, hub, who, "key.import" if material is not None else "key.create", subject=str(key_id), detail=detail)
    row = store.key(conn, key_id)
    assert row is not None
    return row


def wrap(hub: Hub, kek: store.KeyRow, dek: bytes) -> bytes:
    try:
        return provider(hub.settings, kek.provider).wrap(kek.provider_ref, dek)
    except KeyGone as exc:
        raise Gone(f"the key {kek.id} ({kek.purpose}) was destroyed: nothing more can be wrapped under it") from exc
    except KeyProviderError as exc:
        raise KeyUnusable(str(exc)) from exc


def unwrap(hub: Hub, kek: store.KeyRow, wrapped: bytes) -> bytes:
    if kek.state == store.DESTROYED:
        raise Gone(f"the key {kek.id} ({kek.purpose}) that protected this was destroyed: it cannot be read")
    try:
        dek = provider(hub.settings, kek.provider).unwrap(kek.provider_ref, wrapped)
    except KeyGone as exc:
        raise Gone(f"the key {kek.id} ({kek.purpose}) that protected this is gone: it cannot be read") from exc
    except KeyProviderError as exc:
        raise KeyUnusable(str(exc)) from exc
    with _usage_lock:
        hub.key_usage[kek.id] += 1
    return dek


def count_use(hub: Hub, kek_id: int, uses: int) -> None:
    with _usage_lock:
        hub.key_usage[kek_id] += uses


def flush_usage(conn: Connection, hub: Hub) -> None:
    """Add the unwraps counted in memory to keys.usage_count (batched: reads write nothing)."""
    with _usage_lock:
        counts = dict(hub.key_usage)
        hub.key_usage.clear()
    store.add_usage(conn, counts)


def new_data_key(conn: Connection, hub: Hub, purpose: str, org_id: int | None = None) -> tuple[int, bytes]:
    """A fresh data key wrapped under the purpose's active KEK: the organisation's own when it has one
    (so destroying that key crypto-shreds its data alone), else the hub's (created on first use)."""
    own = store.active_key(conn, purpose, org_id) if org_id is not None else None
    kek = own or store.active_key(conn, purpose, None) or create_kek(conn, hub, purpose)
    dek = envelope.new_data_key()
    data_key_id = store.add_data_key(conn, kek.id, wrap(hub, kek, dek), hub.clock())
    with _usage_lock:
        hub.key_usage[kek.id] += 1
    flush_usage(conn, hub)
    return data_key_id, dek


def open_data_key(conn: Connection, hub: Hub, data_key_id: int) -> bytes:
    found = store.data_key(conn, data_key_id)
    if found is None:
        raise Gone(f"the data key {data_key_id} is gone: what it protected cannot be read")
    row, kek = found
    return unwrap(hub, kek, row.wrapped)


def seal(
    conn: Connection, hub: Hub, purpose: str, plaintext: bytes, aad: bytes, org_id: int | None = None
) -> tuple[int, bytes]:
    """Encrypt under a new data key of the purpose (and organisation); (data key id, envelope)."""
    data_key_id, dek = new_data_key(conn, hub, purpose, org_id)
    return data_key_id, envelope.encrypt(plaintext, dek, aad, data_key_id)


def unseal(conn: Connection, hub: Hub, data_key_id: int, sealed: bytes, aad: bytes) -> bytes:
    """The plaintext; Gone if its key was destroyed, KeyUnusable if the envelope does not authenticate."""
    try:
        if envelope.header(sealed).key_id != data_key_id:
            raise KeyUnusable("sealed data names another data key than its row: refused")
        return envelope.decrypt(sealed, open_data_key(conn, hub, data_key_id), aad)
    except envelope.EnvelopeError as exc:
        raise KeyUnusable(f"sealed data refused: {exc}") from exc
