"""`lionrock keys reencrypt-objects`: after a rotation of the objects key, the versions still sealed under
data keys that existed before it are re-encrypted under fresh data keys, online (readers and writers carry
on, nothing is lost), resumably, and the old data keys are deleted."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from lionrock.access.model import Audience
from lionrock.cli.main import main
from lionrock.hub import Hub, object_seal, query
from lionrock.hub import keys as hub_keys
from lionrock.hub.publish import PublishRequest, publish
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from lionrock.store import audit
from lionrock.store import keys as key_store
from lionrock.store.engine import read_transaction, write_transaction
from lionrock.store.objects import ObjectQuery
from lionrock.store.schema import data_keys, objects
from tests.conftest import World
from tests.factories import indicator

EVERYONE = Audience(community=True)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        seal_objects="all",
        audit_key_file=str(tmp_path / "keys" / "audit-key"),
        key_file=str(tmp_path / "keys" / "hub.keys"),
    )


def _publish(world: World, first: int, count: int, tlp: Tlp = Tlp.GREEN) -> None:
    objs = [indicator(f"198.51.{first // 250}.{first % 250 + n}") for n in range(count)]
    audience = Audience(org_ids=frozenset({world.org_ids["bank-b"]})) if tlp is Tlp.RED else EVERYONE
    publish(world.hub, world.principals["bank-a"], PublishRequest(objs, audience, tlp))


def _data_keys_in_use(hub: Hub) -> set[int]:
    with read_transaction(hub.engine) as conn:
        return {int(i) for i in conn.execute(select(objects.c.data_key_id).distinct()).scalars() if i is not None}


def _all_data_keys(hub: Hub) -> set[int]:
    with read_transaction(hub.engine) as conn:
        return {int(i) for i in conn.execute(select(data_keys.c.id)).scalars()}


def _patterns(world: World) -> list[tuple[str, str]]:
    who = world.principals["bank-b"]
    page = query.list_objects(world.hub, who, ObjectQuery(limit=1000))
    return sorted((i.version.stix_id, i.obj["pattern"]) for i in page.items)


def _rotate_objects_key(hub: Hub) -> None:
    with read_transaction(hub.engine) as conn:
        kek = key_store.active_key(conn, object_seal.PURPOSE, None)
    assert kek is not None
    hub_keys.rotate(hub, kek.id)


def test_versions_under_carried_over_data_keys_get_fresh_ones_while_others_read_and_write(world: World) -> None:
    _publish(world, 0, 30)
    _publish(world, 30, 10, Tlp.RED)
    old_keys = _data_keys_in_use(world.hub)
    before = _patterns(world)
    _rotate_objects_key(world.hub)
    assert object_seal.count_carried(world.hub) == 40
    failures: list[BaseException] = []
    stop = threading.Event()
    written: list[int] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                seen = _patterns(world)
                assert set(before) <= set(seen), "a version went missing during re-encryption"
            except BaseException as exc:
                failures.append(exc)

    def writer() -> None:
        n = 100
        while not stop.is_set() and n < 160:
            try:
                _publish(world, n, 3)
                written.append(n)
                n += 3
            except BaseException as exc:
                failures.append(exc)
                return

    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for t in threads:
        t.start()
    try:
        progress: list[tuple[int, int]] = []
        result = hub_keys.reencrypt_objects(world.hub, batch=7, progress=lambda d, t: progress.append((d, t)))
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not failures, failures
    assert result.versions == 40 and result.refused == 0 and result.data_keys_deleted == len(old_keys)
    assert progress[0] == (0, 40) and progress[-1] == (40, 40)
    assert object_seal.count_carried(world.hub) == 0
    assert not _data_keys_in_use(world.hub) & old_keys  # every version moved to a fresh data key
    assert not _all_data_keys(world.hub) & old_keys  # and the old data keys are gone
    after = _patterns(world)
    assert set(before) <= set(after) and len(after) == 40 + 3 * len(written)  # nothing lost, nothing doubled
    with read_transaction(world.hub.engine) as conn:
        actions = [e.action for e in audit.entries(conn)]
    assert "key.reencrypt" in actions and "key.reencrypted" in actions


def test_an_interrupted_run_carries_on_and_a_second_run_finds_nothing(world: World) -> None:
    _publish(world, 0, 12)
    _rotate_objects_key(world.hub)

    def interrupt(done: int, total: int) -> None:
        if done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        hub_keys.reencrypt_objects(world.hub, batch=4, progress=interrupt)
    assert object_seal.count_carried(world.hub) == 8
    assert hub_keys.reencrypt_objects(world.hub, batch=4).versions == 8
    assert hub_keys.reencrypt_objects(world.hub).versions == 0
    assert len(_patterns(world)) == 12


def test_without_a_rotation_nothing_is_carried_over(world: World) -> None:
    _publish(world, 0, 5)
    assert object_seal.count_carried(world.hub) == 0
    result = hub_keys.reencrypt_objects(world.hub)
    assert (result.versions, result.data_keys_deleted) == (0, 0)


def test_a_tampered_version_is_left_as_it_is_and_counted(world: World) -> None:
    _publish(world, 0, 3)
    with write_transaction(world.hub.engine) as conn:
        pk, sealed = conn.execute(select(objects.c.pk, objects.c.sealed).order_by(objects.c.pk).limit(1)).one()
        conn.execute(update(objects).where(objects.c.pk == pk).values(sealed=sealed[:-1] + bytes([sealed[-1] ^ 1])))
    _rotate_objects_key(world.hub)
    result = hub_keys.reencrypt_objects(world.hub)
    assert (result.versions, result.refused) == (2, 1)
    assert result.data_keys_deleted == 0  # the tampered version still names the old data key
    assert len(_patterns(world)) == 2


def test_the_command_says_how_many_it_reencrypted(world: World, settings: Settings) -> None:
    _publish(world, 0, 3)
    _rotate_objects_key(world.hub)
    env = {"LIONROCK_AUDIT_KEY_FILE": settings.audit_key_file, "LIONROCK_KEY_FILE": settings.key_file}
    result = CliRunner().invoke(main, ["--database", settings.database_url, "keys", "reencrypt-objects"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3" and "3 object versions re-encrypted" in result.stderr
    with read_transaction(world.hub.engine) as conn:
        assert conn.execute(select(func.count()).select_from(objects)).scalar_one() == 3
