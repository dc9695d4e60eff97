"""The private check's index: each reported identifier's OPRF tag under the hub's key.

The key is a file outside the database, like the audit keys (hub/audit_keys.py): created 0600 on
first use and never printed, so a copy of the database alone cannot compute or test tags. Index
rows are written in the same transaction as the reports that introduce an identifier
(`index_identifiers`, called by hub.fraud.report_fraud); `backfill` indexes reports stored before
the index existed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection

from lionrock.crypto.files import create_secret_file
from lionrock.fraud import oprf
from lionrock.fraud.private import oprf_input, prefix_of
from lionrock.hub.audit_keys import MAC_SUFFIX, KeyFileError, key_paths
from lionrock.hub.context import Hub
from lionrock.settings import Settings
from lionrock.store import fraud_private as store
from lionrock.store.engine import write_transaction

KEY_SUFFIX = ".fraud-prf-key"


def key_path(settings: Settings) -> Path:
    """The fraud_prf_key_file setting, else beside the audit MAC key with its own suffix."""
    if settings.fraud_prf_key_file:
        return Path(settings.fraud_prf_key_file).expanduser()
    mac = key_paths(settings).mac
    stem = mac.name.removesuffix(MAC_SUFFIX)
    return mac.with_name(stem + KEY_SUFFIX)


def prf_key(conn: Connection, settings: Settings) -> bytes:
    """The hub's OPRF key, created on first use. A missing file while the index holds tags is an
    error, not a new key: tags under a lost key would silently answer 'no record' for everything."""
    path = key_path(settings)
    if not path.exists():
        if store.any_indexed(conn):
            raise KeyFileError(
                f"the private check's key file {path} does not exist but the index holds tags: restore it "
                "from your backup (or empty fraud_prf_index and run the backfill to index under a new key)"
            )
        create_secret_file(path, oprf.generate_key().hex().encode() + b"\n")
    return read_key(path)


def read_key(path: Path) -> bytes:
    try:
        text = path.read_text("ascii", "replace").strip()
    except OSError as exc:
        raise KeyFileError(f"cannot read the private check's key file {path}: {exc.strerror}") from exc
    try:
        return oprf.check_scalar(bytes.fromhex(text))
    except ValueError:
        raise KeyFileError(f"the private check's key file {path} is malformed (expected a scalar in hex)") from None


def index_identifiers(conn: Connection, hub: Hub, identifier_ids: Iterable[str]) -> int:
    """Index the identifiers that are not indexed yet (inside the caller's write transaction);
    answers how many were added."""
    ids = sorted(set(identifier_ids))
    known = store.indexed(conn, ids)
    missing = [i for i in ids if i not in known]
    if not missing:
        return 0
    key = prf_key(conn, hub.settings)
    entries = []
    for ident in missing:
        tag = oprf.evaluate(key, oprf_input(ident))
        entries.append(store.IndexEntry(ident, prefix_of(tag), tag))
    store.add_index(conn, entries)
    return len(entries)


def backfill(hub: Hub, batch: int = 1000) -> int:
    """Index every reported identifier that has no tag yet, one transaction per batch; answers how
    many were indexed. Safe to repeat and to run beside new reports."""
    done = 0
    while True:
        with write_transaction(hub.engine) as conn:
            added = index_identifiers(conn, hub, store.unindexed(conn, batch))
        done += added
        if added < batch:
            return done
