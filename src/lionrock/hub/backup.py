"""Backup and restore use cases: an online, consistent, encrypted snapshot, and a verified restore.

A restore first reads the whole file (every chunk's tag, every table's count and digest) before it touches
the target, then loads everything in one transaction that also re-checks counts, digests and the audit
chain before it commits: a bad file changes nothing, a failure while loading leaves the target empty.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, select

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.errors import Conflict, LionrockError, NotFound
from lionrock.hub import backup_provider_keys as provider_keys
from lionrock.hub import keyring, query
from lionrock.hub.audit_keys import key_paths, read_mac_key
from lionrock.hub.backup_format import (
    BackupError,
    Chunk,
    Header,
    RowDigest,
    TableInfo,
    Writer,
    chunks,
    new_salt,
    read_header,
)
from lionrock.hub.backup_format import key_id as backup_key_id
from lionrock.hub.backup_keys import backup_key
from lionrock.hub.context import Hub
from lionrock.hub.intake import sealed_aad
from lionrock.settings import Settings
from lionrock.store import audit, snapshot
from lionrock.store.engine import make_engine, read_transaction, write_transaction
from lionrock.store.migrate import MIGRATIONS, upgrade

Progress = Callable[[str, int, int], None]
"""Called with a table name, how many of its rows were just handled, and the rows in all (a progress bar)."""

SAMPLES = 5
KEYED = "hmac-sha256"


@dataclass(frozen=True)
class Summary:
    """What a backup or restore did: per-table rows, the file's size, and how long it took."""

    tables: dict[str, int]
    bytes: int
    seconds: float
    revision: str
    checks: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _ignore(_table: str, _rows: int, _total: int) -> None:
    return None


def backup(hub: Hub, out: Path, progress: Progress = _ignore) -> Summary:
    """Write every table, read in one snapshot, to `out` (via a temporary file, 0600, then renamed)."""
    started = time.monotonic()
    key = backup_key(hub.settings, create=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tables = snapshot.backup_tables()
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f, read_transaction(hub.engine) as conn:
            snapshot.begin_snapshot(conn)
            counts = {t.name: snapshot.count(conn, t) for t in tables}
            salt = new_salt()
            header = Header(
                1, hub.clock(), snapshot.revision(conn), conn.dialect.name,
                tuple(TableInfo(str(t.name), tuple(map(str, t.columns.keys())), counts[t.name]) for t in tables),
                salt, backup_key_id(key), provider_keys.gather(conn, hub.settings, key, salt),
            )  # fmt: skip
            writer = Writer(f, key, header)
            for table in tables:
                _copy(conn, table, writer, lambda name, n: progress(name, n, header.total_rows))
            writer.finish()
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return Summary(counts, writer.bytes_written, time.monotonic() - started, header.revision)


def _copy(conn: Connection, table: Any, writer: Writer, progress: Callable[[str, int], None]) -> None:
    done = 0
    for encoded in snapshot.stream(conn, table):
        writer.row(str(table.name), encoded)
        done += 1
        if done % 1000 == 0:
            progress(table.name, 1000)
    progress(table.name, done % 1000)


@dataclass
class _Scan:
    """What the verification pass learnt: digests checked, whether the audit log is keyed, samples."""

    keyed_audit: bool = False
    samples: list[tuple[str, str, int]] = field(default_factory=list)
    sealed: dict[str, list[str]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)


def inspect_file(path: Path, key: bytes) -> tuple[Header, _Scan]:
    """Decrypt the whole file and check each table's count and digest against header and trailer."""
    scan = _Scan()
    digests: dict[str, RowDigest] = {}
    with _open(path) as f:
        header, header_hash = read_header(f)
        known = {t.name: t for t in header.tables}
        for item in chunks(f, key, header, header_hash):
            if isinstance(item, Chunk):
                info = known.get(item.table)
                if info is None:
                    raise BackupError(f"the backup holds rows of {item.table!r}, which its header does not list")
                digest = digests.setdefault(item.table, RowDigest())
                for row in item.rows:
                    digest.add(_canonical(row))
                    _note(scan, info, row)
            else:
                _compare(header, digests, item)
                scan.digests = item
    return header, scan


def _canonical(row: list[Any]) -> bytes:
    return orjson.dumps(row)


def _note(scan: _Scan, info: TableInfo, row: list[Any]) -> None:
    if info.name == "audit" and not scan.keyed_audit:
        scan.keyed_audit = dict(zip(info.columns, row, strict=False)).get("scheme") == KEYED
    _note_sealed(scan, info, row)
    if info.name == "objects" and len(scan.samples) < SAMPLES:
        values = dict(zip(info.columns, row, strict=False))
        scan.samples.append((str(values["stix_id"]), str(values["version"]), int(values["producer_org_id"])))


SEALED_TABLES: dict[str, Callable[[str], bytes]] = {"intake_jobs": sealed_aad}
"""Tables holding rows sealed under a data key (columns id, data_key_id, sealed), with each row's AAD from
its id: a restore opens a sample of each. Sealed object versions are checked by _read_back, which reads
sample objects through the hub's query path (that opens them, strictly)."""


def _note_sealed(scan: _Scan, info: TableInfo, row: list[Any]) -> None:
    if info.name in SEALED_TABLES:
        values = dict(zip(info.columns, row, strict=False))
        picked = scan.sealed.setdefault(info.name, [])
        if values.get("sealed") is not None and values.get("data_key_id") is not None and len(picked) < SAMPLES:
            picked.append(str(values["id"]))


def _compare(header: Header, digests: dict[str, RowDigest], trailer: dict[str, str]) -> None:
    for info in header.tables:
        digest = digests.get(info.name, RowDigest())
        if digest.rows != info.rows:
            raise BackupError(f"the backup's {info.name} has {digest.rows} rows, its header says {info.rows}")
        if info.rows and trailer.get(info.name) != digest.hex():
            raise BackupError(f"the backup's {info.name} rows do not match their recorded digest")


def _open(path: Path) -> Any:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise NotFound(f"no backup file {path}") from None


def _check_revision(revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        known = ScriptDirectory.from_config(config).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(f"the backup's schema revision {revision!r} is unknown to this lionrock: use a newer one")


def restore(settings: Settings, path: Path, *, force: bool = False, progress: Progress = _ignore) -> Summary:
    """Restore `path` into the database `settings` names, which must be empty unless `force`."""
    started = time.monotonic()
    key = backup_key(settings, create=False)
    header, scan = inspect_file(path, key)
    _check_revision(header.revision)
    carried = provider_keys.install(settings, key, header.salt, header.provider_keys)
    mac_key = read_mac_key(key_paths(settings).mac) if scan.keyed_audit else b""
    engine = make_engine(settings.database_url)
    try:
        busy = snapshot.has_rows(engine)
        if busy and not force:
            raise Conflict(f"the target database is not empty (table {busy} holds rows): restore into an empty "
                           "database, or pass --force to wipe this one first")  # fmt: skip
        snapshot.wipe(engine)
        upgrade(engine, header.revision)
        with write_transaction(engine) as conn:
            _load(conn, path, key, header, progress)
            checks = _verify_loaded(conn, header, scan.digests, mac_key)
        upgrade(engine)
        hub = Hub(settings, engine)
        checks += (carried, _read_back(hub, scan.samples), _open_sealed(hub, scan.sealed))
    finally:
        engine.dispose()
    counts = {t.name: t.rows for t in header.tables}
    return Summary(counts, path.stat().st_size, time.monotonic() - started, header.revision, checks)


def _load(conn: Connection, path: Path, key: bytes, header: Header, progress: Progress) -> None:
    columns = {t.name: t.columns for t in header.tables}
    tables: dict[str, Any] = {}
    with _open(path) as f:
        _, header_hash = read_header(f)
        for item in chunks(f, key, header, header_hash):
            if not isinstance(item, Chunk):
                break
            if item.table not in tables:
                tables[item.table] = _table(conn, item.table)
            table = tables[item.table]
            names = columns[item.table]
            snapshot.load(conn, table, [snapshot.decode_row(table, names, row) for row in item.rows])
            progress(item.table, len(item.rows), header.total_rows)
    snapshot.reset_sequences(conn, list(tables.values()))


def _table(conn: Connection, name: str) -> Any:
    try:
        return snapshot.table_named(conn, name)
    except LookupError:
        raise BackupError(f"the backup holds table {name!r}, which its schema revision does not have") from None


def _verify_loaded(conn: Connection, header: Header, digests: dict[str, str], mac_key: bytes) -> tuple[str, ...]:
    """Inside the loading transaction: a mismatch raises, and the rollback leaves the target empty."""
    for info in header.tables:
        if not info.rows:
            continue
        table = _table(conn, info.name)
        digest = RowDigest()
        for encoded in snapshot.stream(conn, table, info.columns):
            digest.add(encoded)
        if digest.rows != info.rows:
            raise LionrockError(f"restore check failed: {info.name} has {digest.rows} rows, the backup {info.rows}")
        if digest.hex() != digests.get(info.name):
            raise LionrockError(f"restore check failed: the rows of {info.name} differ from the backup's")
    checks = [f"row counts and contents of {len(header.tables)} tables match"]
    chain = audit.check(conn, mac_key or b"\0" * 32)
    if chain.broken:
        raise LionrockError(
            f"restore check failed: the audit chain breaks at entry {chain.broken.seq}: {chain.broken.reason} "
            "(is LIONROCK_AUDIT_KEY_FILE the audit key of the backed-up hub?)"
        )
    checks.append(f"audit chain of {chain.entries} entries verifies")
    return tuple(checks)


def _open_sealed(hub: Hub, sealed: dict[str, list[str]]) -> str:
    """A sample of sealed rows of every sealed table opened with the restored keys: one that will not
    open fails the restore (its keys did not come across)."""
    opened = 0
    with read_transaction(hub.engine) as conn:
        for name, ids in sealed.items():
            table = snapshot.table_named(conn, name)
            for row_id in ids:
                data_key_id, blob = conn.execute(
                    select(table.c.data_key_id, table.c.sealed).where(table.c.id == row_id)
                ).one()
                try:
                    keyring.unseal(conn, hub, int(data_key_id), bytes(blob), SEALED_TABLES[name](row_id))
                except LionrockError as exc:
                    raise LionrockError(f"restore check failed: sealed {name} {row_id} does not open: {exc}") from exc
                opened += 1
    return f"{opened} sample sealed rows open"


def _read_back(hub: Hub, samples: list[tuple[str, str, int]]) -> str:
    """A few objects read through the hub's own query path, as their producer would see them."""
    for stix_id, version, org_id in samples:
        who = Principal(org_id, "", OrgKind.BANK, Role.READER)
        shown = query.get_object(hub, who, stix_id, all_versions=True)
        if not any(s.version.version == version for s in shown):
            raise LionrockError(f"restore check failed: {stix_id} version {version} does not read back")
    return f"{len(samples)} sample objects read back"
