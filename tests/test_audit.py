"""The audit chain: keyed MACs with the key outside the database, signed checkpoints as anchors, and
every change to the past (edit, removal, truncation, re-chaining, forged checkpoint) detected."""

from __future__ import annotations

import base64
import hashlib
import hmac
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, delete, insert, select, update

from lionrock.access.model import OrgKind, Role
from lionrock.cli.main import main
from lionrock.hub import Hub
from lionrock.hub.audit_keys import KeyFileError, key_paths
from lionrock.hub.auditing import verify_log
from lionrock.hub.checkpoints import Checkpoint, key_id, parse
from lionrock.hub.members import add_org
from lionrock.hub.users import add_user
from lionrock.hub.web_sessions import sign_in
from lionrock.settings import Settings
from lionrock.store import audit
from lionrock.store.engine import make_engine, read_transaction
from lionrock.store.migrate import upgrade
from lionrock.store.schema import audit as audit_table
from tests.conftest import World

Rechain = Callable[[str, audit.AuditEntry], tuple[str, str]]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Keys in the test's own directory: these tests delete them, never the ~/.config ones PostgreSQL runs share."""
    return Settings(database_url=database_url, audit_key_file=str(tmp_path / "keys" / "audit-key"))


def cli(settings: Settings, *args: str) -> Result:
    env = {"LIONROCK_AUDIT_KEY_FILE": settings.audit_key_file}
    return CliRunner().invoke(main, ["--database", settings.database_url, *args], env=env)


def all_entries(engine: Engine) -> list[audit.AuditEntry]:
    with read_transaction(engine) as conn:
        return list(reversed(audit.entries(conn, limit=10**6)))


def rechain(engine: Engine, from_seq: int, mac: Rechain, edit: dict[str, Any] | None = None) -> None:
    """What someone with database access but without the key can do: edit an entry, then recompute
    every later link with whatever `mac` they have, so that each entry points at the one before."""
    rows = all_entries(engine)
    prev = next((e.hash for e in rows if e.seq == from_seq - 1), audit.GENESIS)
    with engine.begin() as conn:
        for e in rows:
            if e.seq < from_seq:
                continue
            changes = dict(edit or {}) if e.seq == from_seq else {}
            e = replace(e, prev_hash=prev, **changes)
            digest, scheme = mac(prev, e)
            values = {"prev_hash": prev, "hash": digest, "scheme": scheme, **changes}
            conn.execute(update(audit_table).where(audit_table.c.seq == e.seq).values(**values))
            prev = digest


def plain_sha256(prev: str, e: audit.AuditEntry) -> tuple[str, str]:
    return audit.legacy_hash(prev, e.at, e.org_id, e.token_id, e.action, e.subject, e.detail, e.anonymous), "sha256"


def wrong_key(prev: str, e: audit.AuditEntry) -> tuple[str, str]:
    key = b"k" * 32
    fields = (e.at, e.org_id, e.token_id, e.action, e.subject, e.detail, e.anonymous)
    return audit.entry_mac(key, prev, e.seq, *fields), "hmac-sha256"


def test_security_actions_are_chained_under_the_key(world: World) -> None:
    actions = [e.action for e in all_entries(world.hub.engine)]
    assert actions.count("org.add") == 6 and "group.add" in actions and "token.create" in actions
    assert "token.use" in actions
    assert {e.scheme for e in all_entries(world.hub.engine)} == {"hmac-sha256"}
    result = verify_log(world.hub)
    assert result.intact and result.entries == len(actions) and result.legacy == 0


def test_audit_keys_are_files_outside_the_database_created_0600(world: World) -> None:
    paths = key_paths(world.hub.settings)
    for path in (paths.mac, paths.signing):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    mac_key = paths.mac.read_text().strip()
    with world.hub.engine.connect() as conn:
        dumped = str([tuple(r) for r in conn.execute(select(audit_table))])
    assert mac_key not in dumped and len(bytes.fromhex(mac_key)) == 32


def test_default_key_file_sits_beside_the_sqlite_database(tmp_path: Path) -> None:
    paths = key_paths(Settings(database_url=f"sqlite:///{tmp_path / 'hub.db'}"))
    assert paths.mac == tmp_path / "hub.db.audit-key" and paths.signing == tmp_path / "hub.db.audit-key.ed25519"
    pg = key_paths(Settings(database_url="postgresql+psycopg://u:secret@db.example:5433/lionrock"))
    assert pg.mac.parent.name == "lionrock" and pg.mac.name == "db.example-5433-lionrock.audit-key"
    assert "secret" not in str(pg.mac)


def test_removed_entry_breaks_the_chain(world: World) -> None:
    with world.hub.engine.begin() as conn:
        conn.execute(delete(audit_table).where(audit_table.c.seq == 2))
    result = verify_log(world.hub)
    assert result.problems[0].seq == 3 and "removed" in result.problems[0].reason


def test_edited_entry_without_rechaining_is_detected(world: World) -> None:
    with world.hub.engine.begin() as conn:
        conn.execute(update(audit_table).where(audit_table.c.seq == 4).values(subject="someone-else"))
    result = verify_log(world.hub)
    assert [p.seq for p in result.problems] == [4] and "altered" in result.problems[0].reason


def _web_user_entry(world: World) -> audit.AuditEntry:
    """A web user's sign-in, whose entry carries the user id."""
    rita = add_user(world.hub, "bank-a", "rita", Role.ANALYST)
    add_user(world.hub, "bank-a", "carl", Role.ANALYST)
    sign_in(world.hub, "rita", rita.password)
    entry = all_entries(world.hub.engine)[-1]
    assert entry.action == "web.sign_in" and entry.user_id == rita.id and entry.org_id == world.org_ids["bank-a"]
    return entry


def test_the_acting_web_user_is_recorded_and_the_chain_stays_intact(world: World) -> None:
    _web_user_entry(world)
    rows = all_entries(world.hub.engine)
    assert any(e.user_id is None for e in rows)  # token and CLI entries: no user, the old material
    assert verify_log(world.hub).intact


@pytest.mark.parametrize("change", ["another-user", "no-user"])
def test_changing_the_acting_user_of_an_entry_breaks_the_chain(world: World, change: str) -> None:
    entry = _web_user_entry(world)
    other = None if change == "no-user" else entry.user_id + 1  # type: ignore[operator]
    with world.hub.engine.begin() as conn:
        conn.execute(update(audit_table).where(audit_table.c.seq == entry.seq).values(user_id=other))
    result = verify_log(world.hub)
    assert [p.seq for p in result.problems] == [entry.seq] and "altered" in result.problems[0].reason


def test_giving_an_entry_without_a_user_a_user_breaks_the_chain(world: World) -> None:
    entry = _web_user_entry(world)
    with world.hub.engine.begin() as conn:
        conn.execute(update(audit_table).where(audit_table.c.seq == 3).values(user_id=entry.user_id))
    result = verify_log(world.hub)
    assert [p.seq for p in result.problems] == [3] and "altered" in result.problems[0].reason


@pytest.mark.parametrize("forger", [plain_sha256, wrong_key], ids=["plain-sha256", "wrong-key"])
def test_edit_and_rechain_without_the_key_is_detected(world: World, forger: Rechain) -> None:
    rechain(world.hub.engine, 5, forger, edit={"subject": "nobody"})
    code_result = cli(world.hub.settings, "audit", "verify")
    assert code_result.exit_code == 1
    assert "BROKEN at entry 5:" in code_result.stdout and "re-chained" in code_result.stdout


def test_truncation_is_detected_with_an_anchor(world: World, tmp_path: Path) -> None:
    anchor = tmp_path / "checkpoint.json"
    taken = cli(world.hub.settings, "audit", "checkpoint", "--out", str(anchor))
    assert taken.exit_code == 0, taken.output
    head = parse(anchor.read_bytes()).seq
    assert head == len(all_entries(world.hub.engine))
    with world.hub.engine.begin() as conn:  # delete the newest three entries
        conn.execute(delete(audit_table).where(audit_table.c.seq > head - 3))
    plain = cli(world.hub.settings, "audit", "verify")
    assert plain.exit_code == 0  # a prefix of a valid chain is valid: only the anchor can tell
    anchored = cli(world.hub.settings, "audit", "verify", "--anchor", str(anchor))
    assert anchored.exit_code == 1
    assert f"BROKEN at entry {head}: the log was truncated" in anchored.stdout
    assert f"now ends at entry {head - 3}" in anchored.stdout


def test_truncation_followed_by_new_entries_is_detected_with_an_anchor(world: World, tmp_path: Path) -> None:
    anchor = tmp_path / "checkpoint.json"
    assert cli(world.hub.settings, "audit", "checkpoint", "--out", str(anchor)).exit_code == 0
    head = parse(anchor.read_bytes()).seq
    with world.hub.engine.begin() as conn:
        conn.execute(delete(audit_table).where(audit_table.c.seq > head - 2))
    for name in ("filler-1", "filler-2", "filler-3"):  # the hub writes on, reusing the deleted numbers
        add_org(world.hub, name, OrgKind.BANK)
    result = cli(world.hub.settings, "audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert f"BROKEN at entry {head}: the entry differs from the checkpoint" in result.stdout


def test_whole_log_rechained_without_the_key_is_caught_by_the_anchor(world: World, tmp_path: Path) -> None:
    anchor = tmp_path / "checkpoint.json"
    assert cli(world.hub.settings, "audit", "checkpoint", "--out", str(anchor)).exit_code == 0
    rechain(world.hub.engine, 1, plain_sha256, edit={"subject": "rewritten"})  # passes as a pre-key log
    result = cli(world.hub.settings, "audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1 and "re-chained or replaced" in result.stdout


def test_an_intact_log_matches_its_checkpoint(world: World, tmp_path: Path) -> None:
    anchor = tmp_path / "checkpoint.json"
    assert cli(world.hub.settings, "audit", "checkpoint", "--out", str(anchor)).exit_code == 0
    add_org(world.hub, "later-bank", OrgKind.BANK)  # the chain continues from the anchored entry
    result = cli(world.hub.settings, "audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 0 and "intact" in result.stdout and "matches" in result.stdout


def test_forged_checkpoint_signature_is_detected(world: World, tmp_path: Path) -> None:
    anchor = tmp_path / "checkpoint.json"
    assert cli(world.hub.settings, "audit", "checkpoint", "--out", str(anchor)).exit_code == 0
    real = parse(anchor.read_bytes())
    with world.hub.engine.begin() as conn:  # the attacker truncates, then moves the anchor to match
        conn.execute(delete(audit_table).where(audit_table.c.seq > real.seq - 3))
    survivor = all_entries(world.hub.engine)[-1]
    moved = Checkpoint(survivor.seq, survivor.hash, real.entry_at, real.signed_at, real.key_id, real.signature)
    anchor.write_bytes(moved.to_json())
    result = cli(world.hub.settings, "audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1 and "signature does not verify" in result.stdout

    own_key = Ed25519PrivateKey.generate()  # ... or signs a new anchor with a key of their own
    unsigned = Checkpoint(survivor.seq, survivor.hash, real.entry_at, real.signed_at, key_id(own_key.public_key()), "")
    forged = Checkpoint(
        **{**unsigned.__dict__, "signature": base64.b64encode(own_key.sign(unsigned.payload())).decode()}
    )
    anchor.write_bytes(forged.to_json())
    result = cli(world.hub.settings, "audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1 and "not by this hub's checkpoint key" in result.stdout


def test_a_file_that_is_not_a_checkpoint_is_a_clear_error(world: World, tmp_path: Path) -> None:
    anchor = tmp_path / "checkpoint.json"
    anchor.write_text('{"seq": 3}')
    result = cli(world.hub.settings, "audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1 and "not a lionrock audit checkpoint" in result.stderr


def test_verify_without_the_key_file_is_a_clear_error(world: World) -> None:
    paths = key_paths(world.hub.settings)
    secret = paths.mac.read_text().strip()
    paths.mac.unlink()
    result = cli(world.hub.settings, "audit", "verify")
    assert result.exit_code == 1
    assert f"the audit MAC key file {paths.mac} does not exist" in result.stderr
    assert "Traceback" not in result.output and not paths.mac.exists()  # verifying never makes a key
    assert secret not in result.output


def test_a_lost_key_is_not_silently_replaced(world: World) -> None:
    key_paths(world.hub.settings).mac.unlink()
    with pytest.raises(KeyFileError, match="restore the file from your backup"):
        add_org(world.hub, "after-the-loss", OrgKind.BANK)
    assert not key_paths(world.hub.settings).mac.exists()


def test_checkpoint_refuses_a_broken_log(world: World, tmp_path: Path) -> None:
    with world.hub.engine.begin() as conn:
        conn.execute(update(audit_table).where(audit_table.c.seq == 2).values(action="nothing.to.see"))
    result = cli(world.hub.settings, "audit", "checkpoint", "--out", str(tmp_path / "c.json"))
    assert result.exit_code == 1 and "broken at entry 2" in result.stderr
    assert not (tmp_path / "c.json").exists()


def test_init_creates_the_key_files_and_never_prints_them(settings: Settings) -> None:
    result = cli(settings, "init")
    paths = key_paths(settings)
    assert result.exit_code == 0 and paths.mac.exists() and paths.signing.exists()
    assert str(paths.mac) in result.stderr
    assert paths.mac.read_text().strip() not in result.output
    assert b"PRIVATE KEY" in paths.signing.read_bytes() and "PRIVATE KEY" not in result.output


def test_rows_from_before_the_key_verify_the_old_way_then_the_chain_goes_on_keyed(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    upgrade(engine, "0002")  # a 0.1 database with a plain SHA-256 chain
    prev = audit.GENESIS
    with engine.begin() as conn:
        for seq in (1, 2, 3):
            row: dict[str, Any] = {"at": seq, "org_id": None, "token_id": None, "action": "org.add"}
            row |= {"subject": f"old-{seq}", "detail": "{}"}
            digest = audit.legacy_hash(prev, anonymous=False, **row)
            conn.execute(insert(audit_table).values(**row, anonymous=False, prev_hash=prev, hash=digest))
            prev = digest
    engine.dispose()
    hub = Hub.open(settings)  # upgrades to head: the old rows are marked "sha256"
    try:
        add_org(hub, "new-bank", OrgKind.BANK)
        schemes = [e.scheme for e in all_entries(hub.engine)]
        assert schemes == ["sha256", "sha256", "sha256", "hmac-sha256"]
        result = verify_log(hub)
        assert result.intact and result.entries == 4 and result.legacy == 3
        with hub.engine.begin() as conn:
            conn.execute(update(audit_table).where(audit_table.c.seq == 2).values(subject="changed"))
        broken = verify_log(hub).problems
        assert broken[0].seq == 2 and "altered" in broken[0].reason
    finally:
        hub.close()


def test_mac_is_hmac_sha256_over_the_previous_mac_and_the_fields() -> None:
    key = bytes(range(32))
    material = orjson.dumps(["hmac-sha256", "0" * 64, 1, 10, None, None, "org.add", "x", "{}", False])
    assert audit.entry_mac(key, "0" * 64, 1, 10, None, None, "org.add", "x", "{}", False) == (
        hmac.new(key, material, hashlib.sha256).hexdigest()
    )
    with_user = orjson.dumps(["hmac-sha256", "0" * 64, 1, 10, 2, None, "web.sign_in", "x", "{}", False, 7])
    assert audit.entry_mac(key, "0" * 64, 1, 10, 2, None, "web.sign_in", "x", "{}", False, 7) == (
        hmac.new(key, with_user, hashlib.sha256).hexdigest()
    )
