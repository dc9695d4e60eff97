"""The restore drill: backup -> a new empty database -> restore, and every way a backup file can go bad."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from lionrock.access.model import Audience, Role
from lionrock.errors import Conflict
from lionrock.hub import Hub
from lionrock.hub.audit_keys import KeyFileError, key_paths
from lionrock.hub.auditing import verify_log
from lionrock.hub.backup import backup, restore
from lionrock.hub.backup_format import BackupError
from lionrock.hub.backup_keys import key_path
from lionrock.hub.members import authenticate, create_token
from lionrock.hub.publish import PublishRequest, publish
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from lionrock.store.engine import make_engine, read_transaction, write_transaction
from lionrock.store.schema import fraud_prf_index, metadata
from tests.conftest import PG_URL, World, _reset_postgres, build_world
from tests.factories import indicator, malware

MARKER = "QX-RED-MARKER-7f3a9c"


def _fill(world: World) -> None:
    bank_a = world.principals["bank-a"]
    publish(world.hub, bank_a, PublishRequest([indicator(), malware()], Audience(community=True), Tlp.GREEN))
    red = indicator(name=f"secret {MARKER}", description=MARKER * 3)
    publish(world.hub, bank_a, PublishRequest([red], Audience(org_ids=frozenset({world.org_ids["bank-b"]})), Tlp.RED))
    with write_transaction(world.hub.engine) as conn:
        conn.execute(fraud_prf_index.insert(), [{"identifier_id": "x--1", "prefix": 7, "tag": bytes(range(64))}])


def _tables(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(settings.database_url)
    try:
        with read_transaction(engine) as conn:
            return {t.name: sorted(map(tuple, conn.execute(select(t))), key=repr) for t in metadata.sorted_tables}
    finally:
        engine.dispose()


@pytest.fixture
def keyed(settings: Settings, tmp_path: Path) -> Settings:
    """Key files named explicitly, so a second database (the restore target) uses the same ones."""
    return replace(settings, audit_key_file=str(tmp_path / "keys" / "hub.audit-key"))


@pytest.fixture
def filled(keyed: Settings) -> Any:
    hub = Hub.open(keyed)
    _fill(build_world(hub))
    yield hub
    hub.close()


def _empty_target(source: Settings, tmp_path: Path) -> Settings:
    if PG_URL:
        _reset_postgres(PG_URL)
        return source
    return replace(source, database_url=f"sqlite:///{tmp_path / 'restored.db'}")


def test_restore_drill_round_trip_keeps_every_table_and_the_audit_chain(
    filled: Hub, keyed: Settings, tmp_path: Path
) -> None:
    before = _tables(keyed)
    out = tmp_path / "hub.backup"
    made = backup(filled, out)
    filled.close()
    assert made.tables["objects"] == len(before["objects"]) == 3
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert os.stat(key_path(keyed)).st_mode & 0o777 == 0o600

    target = _empty_target(keyed, tmp_path)
    done = restore(target, out)

    assert _tables(target) == before
    assert done.rows == made.rows
    assert any("sample objects read back" in c for c in done.checks)
    hub = Hub.open(target)
    try:
        result = verify_log(hub)
        assert result.intact and result.entries == len(before["audit"]) > 0
    finally:
        hub.close()


def test_a_published_red_value_never_appears_in_clear_in_the_backup(filled: Hub, tmp_path: Path) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    data = out.read_bytes()
    assert MARKER.encode() not in data
    assert bytes(range(64)) not in data


def test_the_backup_key_never_travels_in_the_backup(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    key_text = key_path(keyed).read_text().strip()
    assert key_text.encode() not in out.read_bytes()
    assert bytes.fromhex(key_text) not in out.read_bytes()
    assert key_paths(keyed).mac.read_text().strip().encode() not in out.read_bytes()


@pytest.mark.parametrize("where", [0.3, 0.6, 0.97])
def test_a_tampered_byte_is_refused_and_the_target_stays_empty(
    filled: Hub, keyed: Settings, tmp_path: Path, where: float
) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    filled.close()
    data = bytearray(out.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    out.write_bytes(bytes(data))
    target = _empty_target(keyed, tmp_path)
    with pytest.raises(BackupError):
        restore(target, out)
    assert not any(_tables(target).values()) if _has_schema(target) else True


def _has_schema(settings: Settings) -> bool:
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                return conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'objects'")).first() is not None
            return conn.execute(text("SELECT to_regclass('objects')")).scalar() is not None
    finally:
        engine.dispose()


def test_an_edited_header_is_refused(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    data = out.read_bytes().replace(b'"rows":3', b'"rows":2', 1)
    out.write_bytes(data)
    with pytest.raises(BackupError):
        restore(_empty_target(keyed, tmp_path), out)


@pytest.mark.parametrize("cut", [1, 20, 100, 2000])
def test_a_truncated_backup_is_refused(filled: Hub, keyed: Settings, tmp_path: Path, cut: int) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    data = out.read_bytes()
    out.write_bytes(data[: len(data) - cut])
    with pytest.raises(BackupError, match=r"truncated|altered|corrupted"):
        restore(_empty_target(keyed, tmp_path), out)


def test_chunks_reordered_or_appended_are_refused(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    data = out.read_bytes()
    out.write_bytes(data + data[-200:])
    with pytest.raises(BackupError, match="after its final chunk"):
        restore(_empty_target(keyed, tmp_path), out)


def test_the_wrong_key_is_refused_by_name(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    other = tmp_path / "other.backup-key"
    other.write_text("11" * 32)
    with pytest.raises(BackupError, match="another backup key"):
        restore(replace(_empty_target(keyed, tmp_path), backup_key_file=str(other)), out)


def test_a_missing_key_file_is_a_clear_error(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    target = replace(_empty_target(keyed, tmp_path), backup_key_file=str(tmp_path / "nowhere"))
    with pytest.raises(KeyFileError, match="does not exist"):
        restore(target, out)


def test_not_a_backup_is_refused(keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "hub.backup"
    out.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    key_path(keyed).parent.mkdir(parents=True)
    key_path(keyed).write_text("22" * 32)
    with pytest.raises(BackupError, match="not a lionrock backup"):
        restore(keyed, out)


def test_a_non_empty_target_is_refused_without_force(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    before = _tables(keyed)
    with pytest.raises(Conflict, match="not empty"):
        restore(keyed, out)
    assert _tables(keyed) == before


def test_force_wipes_the_target_and_restores_the_snapshot(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "hub.backup"
    backup(filled, out)
    before = _tables(keyed)
    publish(filled, _producer(filled), PublishRequest([malware("Later")], Audience(community=True), Tlp.GREEN))
    filled.close()
    restore(keyed, out, force=True)
    assert _tables(keyed) == before


def _producer(hub: Hub) -> Any:
    return authenticate(hub, create_token(hub, "bank-b", Role.ANALYST).secret)


def test_a_restored_hub_keeps_working(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    """Ids continue after the restored ones (PostgreSQL sequences reset), and the chain keeps growing."""
    out = tmp_path / "hub.backup"
    backup(filled, out)
    filled.close()
    target = _empty_target(keyed, tmp_path)
    restore(target, out)
    hub = Hub.open(target)
    try:
        publish(hub, _producer(hub), PublishRequest([malware("After")], Audience(community=True), Tlp.GREEN))
        assert verify_log(hub).intact
    finally:
        hub.close()


def test_writes_during_a_backup_stay_out_of_it(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    """The snapshot is one read transaction: rows committed while it streams are not in the file."""
    producer = _producer(filled)
    before = _tables(keyed)  # the token made just now is in the snapshot
    writes: list[str] = []

    def write_meanwhile(table: str, _rows: int, _total: int) -> None:
        if not writes:
            writes.append(table)
            later = malware("Meanwhile")
            publish(filled, producer, PublishRequest([later], Audience(community=True), Tlp.GREEN))

    out = tmp_path / "hub.backup"
    made = backup(filled, out, write_meanwhile)
    filled.close()
    assert writes and made.tables["objects"] == len(before["objects"])
    assert len(_tables(keyed)["objects"]) == len(before["objects"]) + 1
    target = _empty_target(keyed, tmp_path)
    restore(target, out)
    assert _tables(target) == before


@pytest.mark.skipif(not PG_URL, reason="needs LIONROCK_TEST_DATABASE_URL (a PostgreSQL server)")
def test_a_sqlite_backup_restores_into_postgresql(tmp_path: Path) -> None:
    source = Settings(
        database_url=f"sqlite:///{tmp_path / 'source.db'}", audit_key_file=str(tmp_path / "keys" / "a.audit-key")
    )
    hub = Hub.open(source)
    _fill(build_world(hub))
    out = tmp_path / "hub.backup"
    backup(hub, out)
    hub.close()
    before = _tables(source)
    assert PG_URL is not None
    _reset_postgres(PG_URL)
    target = replace(source, database_url=PG_URL)
    restore(target, out)
    assert _tables(target) == before


def test_progress_reports_every_row_once_against_the_total(filled: Hub, keyed: Settings, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    made = backup(filled, tmp_path / "hub.backup", lambda t, n, total: seen.append((t, n, total)))
    filled.close()
    assert sum(n for _, n, _ in seen) == made.rows and {total for *_, total in seen} == {made.rows}
    restored: list[int] = []
    restore(_empty_target(keyed, tmp_path), tmp_path / "hub.backup", progress=lambda t, n, total: restored.append(n))
    assert sum(restored) == made.rows
