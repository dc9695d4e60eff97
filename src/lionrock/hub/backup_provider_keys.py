"""The backup's key section: the provider KEKs its sealed rows need, so a restore on a fresh machine
can open them. Local key-file KEKs travel sealed under the backup key (AES-GCM, their own HKDF-derived
key; never in clear in the file); PKCS#11 KEKs are non-extractable, so only their references travel
and a restore checks the token holds each one. Restore merges into the target's key file and refuses
a different key under the same id."""

from __future__ import annotations

import os

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection

from lionrock.crypto.local import LocalKeyFile
from lionrock.crypto.provider import KeyGone, KeyProviderError
from lionrock.hub import keyring
from lionrock.hub.backup_format import BackupError
from lionrock.settings import Settings
from lionrock.store import keys as store

_AAD = b"lionrock backup provider keys v1"


def _aead(key: bytes, salt: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_AAD).derive(key))


def gather(conn: Connection, settings: Settings, key: bytes, salt: bytes) -> bytes:
    """The sealed key section for every key not destroyed (read in the backup's snapshot)."""
    rows = [k for k in store.all_keys(conn) if k.state != store.DESTROYED]
    local_refs = [k.provider_ref for k in rows if k.provider == "local"]
    local = LocalKeyFile(keyring.key_file(settings)).export(local_refs) if local_refs else {}
    missing = sorted(set(local_refs) - set(local))
    if missing:
        raise BackupError(f"the key file lacks {len(missing)} live keys (e.g. {missing[0]}): back it up as it is?")
    section = {
        "local": {ref: kek.hex() for ref, kek in local.items()},
        "pkcs11": sorted(k.provider_ref for k in rows if k.provider == "pkcs11"),
    }
    nonce = os.urandom(12)
    return nonce + _aead(key, salt).encrypt(nonce, orjson.dumps(section), _AAD)


def install(settings: Settings, key: bytes, salt: bytes, sealed: bytes) -> str:
    """Before the target is touched: merge the local KEKs into its key file, check the token holds the
    PKCS#11 ones. A tampered section, a clash, or a missing token key is a clear refusal."""
    if not sealed:
        return "no provider keys in the backup (made before they were carried)"
    try:
        section = orjson.loads(_aead(key, salt).decrypt(sealed[:12], sealed[12:], _AAD))
        local = {str(ref): bytes.fromhex(kek) for ref, kek in section["local"].items()}
        hsm = [str(ref) for ref in section["pkcs11"]]
    except (InvalidTag, ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
        raise BackupError("the backup's key section does not authenticate (tampered, or another key)") from exc
    try:
        added = LocalKeyFile(keyring.key_file(settings)).merge(local) if local else 0
    except KeyProviderError as exc:
        raise BackupError(f"restore refused: {exc}") from exc
    if hsm:
        token = keyring.provider(settings, "pkcs11")
        for ref in hsm:
            try:
                token.wrap(ref, os.urandom(32))  # a probe: only the key's presence and use are checked
            except KeyGone as exc:
                raise BackupError(f"restore refused: the PKCS#11 token does not hold {ref}: {exc}") from exc
            except KeyProviderError as exc:
                raise BackupError(f"restore refused: the PKCS#11 token cannot be used: {exc}") from exc
    return f"{len(local)} key-file keys carried ({added} added), {len(hsm)} token keys present"
