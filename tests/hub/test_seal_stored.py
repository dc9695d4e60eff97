"""`lionrock keys seal-objects`: versions stored in clear before sealing was on are sealed in batches,
online (readers keep getting the same answers meanwhile) and resumably, and read back unchanged."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from lionrock.access.model import Audience
from lionrock.cli.main import main
from lionrock.errors import BadRequest
from lionrock.hub import Hub, query
from lionrock.hub.object_seal import seal_stored
from lionrock.hub.publish import PublishRequest, publish
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from lionrock.store.engine import read_transaction
from lionrock.store.objects import ObjectQuery
from lionrock.store.schema import objects
from tests.conftest import World
from tests.factories import indicator

EVERYONE = Audience(community=True)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        seal_objects="off",
        audit_key_file=str(tmp_path / "keys" / "audit-key"),
        key_file=str(tmp_path / "keys" / "hub.keys"),
    )


def _sealed_count(hub: Hub) -> tuple[int, int]:
    with read_transaction(hub.engine) as conn:
        total = conn.execute(select(func.count()).select_from(objects)).scalar_one()
        sealed = conn.execute(select(func.count()).select_from(objects).where(objects.c.sealed.isnot(None)))
        return int(sealed.scalar_one()), int(total)


def _answers(world: World) -> list[object]:
    who = world.principals["bank-b"]
    listed = query.list_objects(world.hub, who, ObjectQuery(limit=1000))
    found = query.list_objects(world.hub, who, ObjectQuery(value="198.51.100.3", limit=1000))
    words = query.list_objects(world.hub, who, ObjectQuery(text="bad 198.51.100", limit=1000))
    return [sorted((i.version.stix_id, i.obj["pattern"]) for i in page.items) for page in (listed, found, words)]


def _publish(world: World, count: int) -> None:
    objs = [indicator(f"198.51.100.{n}") for n in range(count)]
    publish(world.hub, world.principals["bank-a"], PublishRequest(objs, EVERYONE, Tlp.GREEN))


def test_clear_versions_are_sealed_online_and_read_back_the_same(world: World) -> None:
    _publish(world, 40)
    before = _answers(world)
    assert _sealed_count(world.hub) == (0, 40)
    world.hub.settings = replace(world.hub.settings, seal_objects="all")
    seen: list[list[object]] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.append(_answers(world))
            except BaseException as exc:
                failures.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        progress: list[tuple[int, int]] = []
        assert seal_stored(world.hub, batch=7, progress=lambda d, t: progress.append((d, t))) == 40
    finally:
        stop.set()
        thread.join()
    assert not failures and seen and all(s == before for s in seen)  # readers never saw a difference
    assert progress[0] == (0, 40) and progress[-1] == (40, 40)
    assert _sealed_count(world.hub) == (40, 40)
    assert _answers(world) == before
    assert seal_stored(world.hub) == 0  # nothing left


def test_an_interrupted_run_carries_on_where_it_stopped(world: World) -> None:
    _publish(world, 10)
    world.hub.settings = replace(world.hub.settings, seal_objects="all")

    def interrupt(done: int, total: int) -> None:
        if done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        seal_stored(world.hub, batch=4, progress=interrupt)
    assert _sealed_count(world.hub) == (4, 10)
    assert seal_stored(world.hub, batch=4) == 6
    assert _sealed_count(world.hub) == (10, 10)


def test_restricted_seals_only_amber_strict_and_red_rows(world: World) -> None:
    publish(world.hub, world.principals["bank-a"], PublishRequest([indicator("192.0.2.1")], EVERYONE, Tlp.GREEN))
    publish(world.hub, world.principals["bank-a"], PublishRequest([indicator("192.0.2.2")], EVERYONE, Tlp.AMBER_STRICT))
    world.hub.settings = replace(world.hub.settings, seal_objects="restricted")
    assert seal_stored(world.hub) == 1
    assert _sealed_count(world.hub) == (1, 2)


def test_off_refuses_to_seal(world: World) -> None:
    with pytest.raises(BadRequest, match="seal_objects is off"):
        seal_stored(world.hub)


def test_the_command_says_how_many_it_sealed(world: World, settings: Settings) -> None:
    _publish(world, 3)
    env = {
        "LIONROCK_AUDIT_KEY_FILE": settings.audit_key_file,
        "LIONROCK_KEY_FILE": settings.key_file,
        "LIONROCK_SEAL_OBJECTS": "all",
    }
    result = CliRunner().invoke(main, ["--database", settings.database_url, "keys", "seal-objects"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3" and "3 object versions sealed" in result.stderr
    assert _sealed_count(world.hub) == (3, 3)
