"""Backups carry the provider's KEKs: sealed under the backup key (never in clear), merged into a fresh
machine's key file on restore (a clash refused), and the restore opens a sample of sealed rows."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from lionrock.access.model import Principal
from lionrock.hub import Hub, intake, keyring
from lionrock.hub import backup_provider_keys as provider_keys
from lionrock.hub.backup import backup, restore
from lionrock.hub.backup_format import BackupError, read_header
from lionrock.hub.backup_keys import backup_key
from lionrock.settings import Settings
from tests.conftest import PG_URL, _reset_postgres, build_world

SECRET = "Operation Kingfisher-Nebula"
REPORT = f"The {SECRET} crew ran its C2 at 203.0.113.50 and hxxps://pay-hk[.]example-bank.com/login.".encode()


@pytest.fixture
def source(database_url: str, tmp_path: Path) -> Settings:
    keys = tmp_path / "keys"
    return Settings(
        database_url=database_url,
        audit_key_file=str(keys / "hub.audit-key"),
        key_file=str(keys / "hub.keys"),
        backup_key_file=str(tmp_path / "backup" / "hub.backup-key"),
    )


def _sealed_job(settings: Settings) -> tuple[str, bytes, Principal]:
    hub = Hub.open(settings)
    try:
        world = build_world(hub)
        who = world.principals["bank-a"]
        job = intake.submit(hub, who, REPORT, "report.txt", wait=True)
        assert intake.view(hub, who, job)["status"] == "done"
        return job, keyring.key_file(settings).read_bytes(), who
    finally:
        hub.close()


def _fresh_machine(source: Settings, tmp_path: Path) -> Settings:
    """Another database and no key file (only the audit and backup keys are brought across)."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    if PG_URL:
        _reset_postgres(PG_URL)
        url = source.database_url
    else:
        url = f"sqlite:///{fresh / 'restored.db'}"
    keyring._local.cache_clear()
    return replace(source, database_url=url, key_file=str(fresh / "hub.keys"))


def test_backup_wipe_restore_on_a_fresh_machine_reads_the_sealed_intake_job(source: Settings, tmp_path: Path) -> None:
    job, key_file, who = _sealed_job(source)
    out = tmp_path / "hub.backup"
    backup(Hub.open(source), out)
    raw = out.read_bytes()
    for line in key_file.decode().splitlines():
        kek_hex = line.split()[1]
        assert kek_hex.encode() not in raw and bytes.fromhex(kek_hex) not in raw  # never in clear
    target = _fresh_machine(source, tmp_path)
    assert not Path(target.key_file).exists()
    done = restore(target, out)
    assert any("key-file keys carried" in c for c in done.checks)
    assert any("1 sample sealed rows open" in c for c in done.checks)
    assert Path(target.key_file).read_bytes() == key_file
    hub = Hub.open(target)
    try:
        assert SECRET in str(intake.view(hub, who, job)["result"])
    finally:
        hub.close()


def test_a_tampered_key_section_is_refused(source: Settings, tmp_path: Path) -> None:
    _sealed_job(source)
    out = tmp_path / "hub.backup"
    backup(Hub.open(source), out)
    with out.open("rb") as f:
        header, _ = read_header(f)
    key = backup_key(source, create=False)
    flipped = bytearray(header.provider_keys)
    flipped[20] ^= 1
    target = _fresh_machine(source, tmp_path)
    with pytest.raises(BackupError, match="key section does not authenticate"):
        provider_keys.install(target, key, header.salt, bytes(flipped))
    with pytest.raises(BackupError, match="does not authenticate"):
        provider_keys.install(target, os.urandom(32), header.salt, header.provider_keys)
    assert not Path(target.key_file).exists()  # nothing was written


def test_a_different_key_under_the_same_id_in_the_target_is_refused(source: Settings, tmp_path: Path) -> None:
    _, key_file, _ = _sealed_job(source)
    out = tmp_path / "hub.backup"
    backup(Hub.open(source), out)
    target = _fresh_machine(source, tmp_path)
    ref = key_file.decode().split()[0]
    Path(target.key_file).write_text(f"{ref} {os.urandom(32).hex()}\n")
    os.chmod(target.key_file, 0o600)
    with pytest.raises(BackupError, match="holds a different key"):
        restore(target, out)
