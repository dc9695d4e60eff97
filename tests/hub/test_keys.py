"""Keys in the hub: intake findings sealed at rest, and the KEK lifecycle (create, rotate, retire,
destroy, review) with its audit trail, on the key file and on a SoftHSM2 token."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from lionrock.app import create_app
from lionrock.cli.main import main
from lionrock.errors import BadRequest, Conflict, Gone, Invalid, NotFound
from lionrock.hub import Hub, intake, keyring
from lionrock.hub import keys as hub_keys
from lionrock.settings import Settings
from lionrock.store import audit
from lionrock.store import keys as store
from lionrock.store.engine import read_transaction, write_transaction
from lionrock.store.schema import intake_jobs
from tests.conftest import PG_URL, World
from tests.crypto.softhsm import Token

SECRET = "Operation Kingfisher-Nebula"
REPORT = (
    f"The {SECRET} crew ran its C2 at hxxps://pay-hk[.]example-bank.com/login and 203.0.113.50. "
    "The victim's HKID A123456(3) leaked."
).encode()
NO_PERSONAL_DATA = b"Another report about 198.51.100.7 only."
DAY_US = 86_400 * 1_000_000


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Key files in the test's own folder (PostgreSQL runs would otherwise share ~/.config ones)."""
    return Settings(
        database_url=database_url,
        audit_key_file=str(tmp_path / "keys" / "audit-key"),
        key_file=str(tmp_path / "keys" / "hub.keys"),
    )


def _upload(world: World, data: bytes = REPORT, who: str = "bank-a") -> str:
    job = intake.submit(world.hub, world.principals[who], data, "kingfisher.txt", wait=True)
    assert intake.view(world.hub, world.principals[who], job)["status"] == "done"
    return job


def _actions(hub: Hub) -> list[str]:
    with read_transaction(hub.engine) as conn:
        return [e.action for e in reversed(audit.entries(conn, limit=10**6))]


def _intake_key(hub: Hub) -> store.KeyRow:
    with read_transaction(hub.engine) as conn:
        found = store.active_key(conn, intake.KEY_PURPOSE, None)
    assert found is not None
    return found


@pytest.mark.skipif(bool(PG_URL), reason="reads the SQLite database file and its WAL")
def test_uploaded_text_and_findings_are_not_in_clear_in_the_database_file_or_wal(
    world: World, settings: Settings
) -> None:
    job = _upload(world)
    shown = intake.review(world.hub, world.principals["bank-a"], job)
    evidence = str(shown["result"])
    assert SECRET in evidence  # the analyst reads it back...
    db = Path(settings.database_url.removeprefix("sqlite:///"))
    wal = db.with_name(db.name + "-wal")
    assert wal.exists()
    for raw in (db.read_bytes(), wal.read_bytes()):  # ...but the files never held it in clear
        for clear in (SECRET.encode(), b"crew ran its C2", b"A123456", b"pay-hk", REPORT[:40]):
            assert clear not in raw
    with read_transaction(world.hub.engine) as conn:
        row = conn.execute(select(intake_jobs.c.result, intake_jobs.c.title).where(intake_jobs.c.id == job)).one()
    assert tuple(row) == (None, None)


def test_a_sealed_result_copied_into_another_job_is_refused(world: World) -> None:
    one, two = _upload(world), _upload(world, b"Another report about 198.51.100.7 only.")
    with write_transaction(world.hub.engine) as conn:
        src = conn.execute(select(intake_jobs.c.data_key_id, intake_jobs.c.sealed).where(intake_jobs.c.id == one))
        data_key_id, sealed = src.one()
        conn.execute(update(intake_jobs).where(intake_jobs.c.id == two).values(data_key_id=data_key_id, sealed=sealed))
    with pytest.raises(keyring.KeyUnusable, match="does not authenticate"):
        intake.view(world.hub, world.principals["bank-a"], two)
    listed = {j["id"]: j for j in intake.jobs_of(world.hub, world.principals["bank-a"])}
    assert listed[two]["title"] is None and listed[one]["status"] == "done"  # the list still works
    assert SECRET in str(intake.view(world.hub, world.principals["bank-a"], one)["result"])


def test_a_sealed_result_pointing_at_another_data_key_is_refused(world: World) -> None:
    one, two = _upload(world), _upload(world)
    with write_transaction(world.hub.engine) as conn:
        other = conn.execute(select(intake_jobs.c.data_key_id).where(intake_jobs.c.id == two)).scalar_one()
        conn.execute(update(intake_jobs).where(intake_jobs.c.id == one).values(data_key_id=other))
    with pytest.raises(keyring.KeyUnusable, match="another data key"):
        intake.view(world.hub, world.principals["bank-a"], one)


def test_one_data_key_per_job_under_one_intake_kek_with_usage_counted(world: World) -> None:
    jobs = [_upload(world) for _ in range(2)]
    for job in jobs:
        intake.view(world.hub, world.principals["bank-a"], job)
    infos = hub_keys.list_keys(world.hub)
    assert [(i.key.purpose, i.key.state, i.key.provider, i.data_keys) for i in infos] == [
        ("intake", "active", "local", 2),
        # the victim's HKID: the pseudonym HMAC key, and one data key sealing the value (the second
        # upload holds the same value, so it seals nothing new): docs/pseudonyms.md
        ("pseudonym", "active", "local", 1),
        ("pseudonym-value", "active", "local", 1),
    ]
    assert infos[0].key.usage_count >= 2 + 4  # two wraps, at least one unwrap per upload check and view


def test_destroying_the_key_makes_findings_unreadable_with_a_clear_410(
    settings: Settings, world: World, client: TestClient
) -> None:
    job = _upload(world)
    kek = _intake_key(world.hub)
    with pytest.raises(Conflict, match="still wraps 1 data keys \\(1 intake jobs\\)"):
        hub_keys.destroy(world.hub, kek.id)
    assert intake.view(world.hub, world.principals["bank-a"], job)["status"] == "done"  # refused: nothing lost
    done = hub_keys.destroy(world.hub, kek.id, force=True)
    assert (done.data_keys, done.intake_jobs, done.forced) == (1, 1, True)
    got = client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a"))
    assert got.status_code == 410
    assert "cannot be read" in got.json()["error"]["message"] and "destroyed" in got.json()["error"]["message"]
    listed = intake.jobs_of(world.hub, world.principals["bank-a"])
    assert [(j["id"], j["title"]) for j in listed] == [(job, None)]  # still listed, without its title
    assert keyring.key_file(settings).read_text().count(kek.provider_ref) == 0  # gone from the key file
    fresh = _upload(world)  # a new upload gets a new key
    assert _intake_key(world.hub).id != kek.id and intake.view(world.hub, world.principals["bank-a"], fresh)


def test_rotation_rewraps_every_data_key_while_readers_read(world: World) -> None:
    jobs = [_upload(world) for _ in range(3)]
    with write_transaction(world.hub.engine) as conn:  # more data keys, so the rotation takes many batches
        for _ in range(150):
            keyring.new_data_key(conn, world.hub, intake.KEY_PURPOSE)
    old = _intake_key(world.hub)
    before = {j: intake.view(world.hub, world.principals["bank-a"], j)["result"] for j in jobs}
    stop = threading.Event()
    failures: list[BaseException] = []
    reads = [0]

    def read() -> None:
        while not stop.is_set():
            for job in jobs:
                try:
                    assert intake.view(world.hub, world.principals["bank-a"], job)["result"] == before[job]
                    reads[0] += 1
                except BaseException as exc:
                    failures.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    seen: list[tuple[int, int]] = []
    try:
        done = hub_keys.rotate(world.hub, old.id, batch=10, progress=lambda d, t: seen.append((d, t)))
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert failures == [] and reads[0] > 0
    assert done.rewrapped == 153 and not done.resumed and seen[-1] == (153, 153) and len(seen) > 10
    with read_transaction(world.hub.engine) as conn:
        assert store.count_data_keys(conn, old.id) == 0 and store.count_data_keys(conn, done.new) == 153
        retired = store.key(conn, old.id)
    assert retired is not None and (retired.state, retired.replaced_by) == ("retired", done.new)
    assert _intake_key(world.hub).id == done.new
    hub_keys.destroy(world.hub, old.id)  # nothing depends on the old key any more: no --force needed
    for job in jobs:
        assert intake.view(world.hub, world.principals["bank-a"], job)["result"] == before[job]


def test_an_interrupted_rotation_resumes(world: World) -> None:
    job = _upload(world)
    with write_transaction(world.hub.engine) as conn:
        for _ in range(30):
            keyring.new_data_key(conn, world.hub, intake.KEY_PURPOSE)
    old = _intake_key(world.hub)

    def crash(done: int, total: int) -> None:
        if done >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        hub_keys.rotate(world.hub, old.id, batch=10, progress=crash)
    assert SECRET in str(intake.view(world.hub, world.principals["bank-a"], job)["result"])  # half-moved: readable
    again = hub_keys.rotate(world.hub, old.id, batch=10)
    assert again.resumed and again.rewrapped == 21
    with read_transaction(world.hub.engine) as conn:
        assert store.count_data_keys(conn, old.id) == 0 and store.count_data_keys(conn, again.new) == 31
    assert SECRET in str(intake.view(world.hub, world.principals["bank-a"], job)["result"])


def test_a_retired_key_wraps_nothing_new_but_still_unwraps(world: World) -> None:
    job = _upload(world)
    old = _intake_key(world.hub)
    assert hub_keys.retire(world.hub, old.id).state == "retired"
    with pytest.raises(Conflict):
        hub_keys.retire(world.hub, old.id)
    with pytest.raises(Conflict, match="retired"):
        hub_keys.rotate(world.hub, old.id)
    _upload(world)
    assert _intake_key(world.hub).id != old.id
    assert SECRET in str(intake.view(world.hub, world.principals["bank-a"], job)["result"])


def test_review_lists_keys_past_their_rotation_period(world: World) -> None:
    short = hub_keys.create(world.hub, "intake", rotation_days=1)
    default = hub_keys.create(world.hub, "reports")
    assert default.rotation_days == 365
    assert hub_keys.review(world.hub) == []
    real = world.hub.clock
    world.hub.clock = lambda: real() + 2 * DAY_US
    try:
        assert [k.id for k in hub_keys.review(world.hub)] == [short.id]
        rotated = hub_keys.rotate(world.hub, short.id)
        assert hub_keys.review(world.hub) == []  # the successor starts a new period
        world.hub.clock = lambda: real() + 400 * DAY_US
        assert {k.id for k in hub_keys.review(world.hub)} == {default.id, rotated.new}
    finally:
        world.hub.clock = real


def test_every_key_action_is_audited(world: World) -> None:
    _upload(world)  # the first intake upload creates the intake key
    kek = _intake_key(world.hub)
    rotated = hub_keys.rotate(world.hub, kek.id)
    hub_keys.retire(world.hub, rotated.new)
    hub_keys.review(world.hub)
    hub_keys.destroy(world.hub, rotated.new, force=True)
    keys_actions = [a for a in _actions(world.hub) if a.startswith("key.")]
    # intake, pseudonym (the HMAC key: the report names a victim's HKID), pseudonym-value, the successor
    expected = ["key.create"] * 4 + ["key.rotate", "key.rotated", "key.retire", "key.review", "key.destroy"]
    assert keys_actions == expected
    with read_transaction(world.hub.engine) as conn:
        destroyed = next(e for e in audit.entries(conn, limit=1000) if e.action == "key.destroy")
    assert destroyed.subject == str(rotated.new) and destroyed.org_id is None
    assert orjson.loads(destroyed.detail or "{}") == {"data_keys": 1, "intake_jobs": 1, "objects": 0, "forced": True}


def test_hostile_and_mistaken_key_commands_are_refused(world: World, settings: Settings) -> None:
    for purpose in ("", "../etc", "Intake", "x" * 65, "intake;drop"):
        with pytest.raises(Invalid):
            hub_keys.create(world.hub, purpose)
    for days in (0, -1, 10**9):
        with pytest.raises(Invalid):
            hub_keys.create(world.hub, "intake", rotation_days=days)
    for action in (hub_keys.retire, hub_keys.destroy, hub_keys.rotate):
        with pytest.raises(NotFound):
            action(world.hub, 999)
    made = hub_keys.create(world.hub, "intake")
    hub_keys.destroy(world.hub, made.id)
    with pytest.raises(Conflict):
        hub_keys.destroy(world.hub, made.id)
    with pytest.raises(Conflict):
        hub_keys.rotate(world.hub, made.id)
    odd = Hub(replace(settings, key_provider="vault"), world.hub.engine)
    with pytest.raises(BadRequest, match="unknown key provider"):
        hub_keys.create(odd, "intake")


def test_the_keys_cli(settings: Settings, world: World) -> None:
    env = {"LIONROCK_AUDIT_KEY_FILE": settings.audit_key_file, "LIONROCK_KEY_FILE": settings.key_file}

    def cli(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, ["--database", settings.database_url, "keys", *args], env=env)
        return result.exit_code, result.stdout, result.stderr

    _upload(world, NO_PERSONAL_DATA)  # no pseudonym keys made: the ids below are the intake ones
    code, out, _ = cli("create", "reports", "--rotation-days", "30")
    assert code == 0 and out.strip() == "2"
    code, out, _ = cli("list")
    assert code == 0 and [line.split("\t")[:5] + line.split("\t")[7:] for line in out.splitlines()] == [
        ["1", "intake", "active", "local", "1", "hub"],
        ["2", "reports", "active", "local", "0", "hub"],
    ]
    code, out, _ = cli("create", "intake", "--org", "bank-c")
    assert code == 0 and out.strip() == "3"
    code, out, err = cli("rotate", "1")
    assert code == 0 and out.strip() == "4" and "1 data keys re-wrapped" in err
    code, _, err = cli("retire", "2")
    assert code == 0 and "retired" in err
    code, _, err = cli("review")
    assert code == 0 and "no key is past" in err
    code, _, err = cli("destroy", "4")
    assert code == 1 and "still wraps 1 data keys" in err
    code, _, err = cli("destroy", "4", "--force")
    assert code == 0 and "crypto-shredded" in err and "1 intake jobs" in err
    code, _, err = cli("destroy", "42")
    assert code == 1 and "no key 42" in err


def test_intake_on_a_softhsm2_token_end_to_end(settings: Settings, softhsm: Token, tmp_path: Path) -> None:
    from tests.conftest import build_world

    hsm = replace(
        settings,
        key_provider="pkcs11",
        key_pkcs11_library=softhsm.library,
        key_pkcs11_token=softhsm.label,
        key_pkcs11_pin=softhsm.pin,
    )
    hub = Hub.open(hsm)
    try:
        world = build_world(hub)
        job = _upload(world)
        kek = _intake_key(hub)
        assert kek.provider == "pkcs11" and kek.provider_ref.startswith("pkcs11-")
        assert not keyring.key_file(hsm).exists()  # nothing in a local key file
        rotated = hub_keys.rotate(hub, kek.id)
        assert rotated.rewrapped == 1
        assert SECRET in str(intake.view(hub, world.principals["bank-a"], job)["result"])
        hub_keys.destroy(hub, rotated.new, force=True)
        with pytest.raises(Gone):
            intake.view(hub, world.principals["bank-a"], job)
    finally:
        hub.close()


def test_an_app_with_sealed_jobs_restarts_and_reads_them(settings: Settings, world: World) -> None:
    job = _upload(world)
    keyring._local.cache_clear()  # a new process: the key file is read again
    with TestClient(create_app(settings, Hub.open(settings))) as restarted:
        state = restarted.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()
    assert SECRET in str(state["result"])


def test_an_upload_fails_with_the_reason_when_its_findings_cannot_be_sealed(settings: Settings) -> None:
    from tests.conftest import build_world

    hub = Hub.open(replace(settings, key_provider="pkcs11", key_pkcs11_token=""))
    try:
        world = build_world(hub)
        job = intake.submit(hub, world.principals["bank-a"], REPORT, "kingfisher.txt", wait=True)
        state = intake.view(hub, world.principals["bank-a"], job)
        assert state["status"] == "failed" and "LIONROCK_KEY_PKCS11_TOKEN" in state["error"]
        with read_transaction(hub.engine) as conn:
            row = conn.execute(select(intake_jobs.c.result, intake_jobs.c.sealed).where(intake_jobs.c.id == job))
            assert tuple(row.one()) == (None, None)  # nothing stored in clear instead
    finally:
        hub.close()


def test_an_organisations_own_key_shreds_its_jobs_alone(world: World) -> None:
    own = hub_keys.create(world.hub, "intake", org="bank-a")
    assert own.org_id == world.org_ids["bank-a"]
    mine, theirs = _upload(world, who="bank-a"), _upload(world, who="bank-b")
    hub_key = _intake_key(world.hub)  # the hub's intake key, made for bank-b's upload
    assert hub_key.id != own.id and hub_key.org_id is None
    counts = {i.key.id: i.data_keys for i in hub_keys.list_keys(world.hub) if i.key.purpose == "intake"}
    assert counts == {own.id: 1, hub_key.id: 1}
    rotated = hub_keys.rotate(world.hub, own.id)  # the successor belongs to the organisation too
    with read_transaction(world.hub.engine) as conn:
        successor = store.key(conn, rotated.new)
    assert successor is not None and successor.org_id == own.org_id
    done = hub_keys.destroy(world.hub, rotated.new, force=True)
    assert (done.data_keys, done.intake_jobs) == (1, 1)
    with pytest.raises(Gone):
        intake.view(world.hub, world.principals["bank-a"], mine)
    assert SECRET in str(intake.view(world.hub, world.principals["bank-b"], theirs)["result"])
    with pytest.raises(NotFound, match="no organisation"):
        hub_keys.create(world.hub, "intake", org="no-such-bank")


def test_a_job_stored_in_clear_before_0015_still_reads(world: World) -> None:
    job = _upload(world)
    clear = intake.view(world.hub, world.principals["bank-a"], job)
    with write_transaction(world.hub.engine) as conn:  # what a job finished before the migration looks like
        found = conn.execute(select(intake_jobs.c.data_key_id, intake_jobs.c.sealed).where(intake_jobs.c.id == job))
        data_key_id, sealed = found.one()
        stored = orjson.loads(keyring.unseal(conn, world.hub, data_key_id, sealed, f"intake-result|{job}|1".encode()))
        conn.execute(
            update(intake_jobs)
            .where(intake_jobs.c.id == job)
            .values(result=stored["result"], title="legacy", sealed=None, data_key_id=None)
        )
    again = intake.view(world.hub, world.principals["bank-a"], job)
    assert [i["value"] for i in again["result"]["indicators"]] == [i["value"] for i in clear["result"]["indicators"]]
    assert intake.jobs_of(world.hub, world.principals["bank-a"])[0]["title"] == "legacy"


def test_switching_provider_keeps_old_keys_working_and_rotation_moves_them(
    world: World, settings: Settings, softhsm: Token
) -> None:
    job = _upload(world)
    local = _intake_key(world.hub)
    hsm = replace(
        settings,
        key_provider="pkcs11",
        key_pkcs11_library=softhsm.library,
        key_pkcs11_token=softhsm.label,
        key_pkcs11_pin=softhsm.pin,
    )
    switched = Hub(hsm, world.hub.engine)
    assert SECRET in str(intake.view(switched, world.principals["bank-a"], job)["result"])  # still the key file
    rotated = hub_keys.rotate(switched, local.id)
    with read_transaction(switched.engine) as conn:
        moved = store.key(conn, rotated.new)
    assert moved is not None and moved.provider == "pkcs11" and rotated.rewrapped == 1
    hub_keys.destroy(switched, local.id)  # the key file's key is no longer needed
    assert SECRET in str(intake.view(switched, world.principals["bank-a"], job)["result"])


def test_the_audit_entry_of_an_upload_names_a_hash_of_the_filename_never_the_filename(world: World) -> None:
    name = "HKMA-finding-client-Kingfisher.txt"
    job = intake.submit(world.hub, world.principals["bank-a"], REPORT, name, wait=True)
    with read_transaction(world.hub.engine) as conn:
        entries = [e for e in audit.entries(conn, limit=10**6) if e.action == "intake.submit" and e.subject == job]
    assert len(entries) == 1
    shown = entries[0].detail
    assert "Kingfisher" not in shown and "HKMA" not in shown
    assert hashlib.sha256(name.encode()).hexdigest()[:16] in shown
