"""Sealed STIX object versions, as an attacker with a stolen database file sees them: no distinctive value
in clear in the file, its WAL or a backup; a tampered or moved envelope is refused without clear data;
value, word and observable search still find sealed versions through the blind indexes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from lionrock.access.model import Audience
from lionrock.app import create_app
from lionrock.cli.main import main
from lionrock.hub import Hub, object_seal, query
from lionrock.hub import keys as hub_keys
from lionrock.hub.publish import PublishRequest, publish
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from lionrock.store import keys as key_store
from lionrock.store.engine import read_transaction, write_transaction
from lionrock.store.objects import ObjectQuery
from lionrock.store.schema import objects
from tests.conftest import PG_URL, World, build_world
from tests.factories import T0, indicator, new_id

VALUE = "203.0.113.77"
NAME = "Kingfisher Nebula beacon"
DESCRIPTION = "Seen only by the Aberdeen treasury desk during Operation Tamarind"
REPORT_NAME = "Operation Tamarind wrap-up"
SECRETS = (VALUE, "Kingfisher", "Nebula", "Aberdeen", "Tamarind")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        audit_key_file=str(tmp_path / "keys" / "audit-key"),
        key_file=str(tmp_path / "keys" / "hub.keys"),
        backup_key_file=str(tmp_path / "keys" / "hub.backup-key"),
    )


@pytest.fixture
def client(settings: Settings, hub: Hub) -> Iterator[TestClient]:
    with TestClient(create_app(settings, hub)) as c:
        yield c


def _red(world: World) -> tuple[dict[str, Any], dict[str, Any]]:
    ind = indicator(VALUE, name=NAME, description=DESCRIPTION)
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": new_id("report"),
        "created": T0,
        "modified": T0,
        "name": REPORT_NAME,
        "description": DESCRIPTION,
        "published": T0,
        "object_refs": [ind["id"]],
    }
    audience = Audience(org_ids=frozenset({world.org_ids["bank-a"], world.org_ids["bank-b"]}))
    publish(world.hub, world.principals["bank-a"], PublishRequest([ind, report], audience, Tlp.RED))
    return ind, report


def _raw(world: World, stix_id: str) -> dict[str, Any]:
    with read_transaction(world.hub.engine) as conn:
        row = conn.execute(select(objects).where(objects.c.stix_id == stix_id)).one()
    return dict(row._mapping)


@pytest.mark.skipif(bool(PG_URL), reason="reads the SQLite database file and its WAL")
def test_red_values_are_not_in_clear_in_the_database_file_its_wal_or_a_backup(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    ind, _ = _red(world)
    assert query.get_object(world.hub, world.principals["bank-b"], ind["id"])[0].obj["name"] == NAME  # readable
    db = Path(settings.database_url.removeprefix("sqlite:///"))
    out = tmp_path / "hub.backup"
    env = {
        "LIONROCK_AUDIT_KEY_FILE": settings.audit_key_file,
        "LIONROCK_KEY_FILE": settings.key_file,
        "LIONROCK_BACKUP_KEY_FILE": settings.backup_key_file,
    }
    result = CliRunner(env=env).invoke(main, ["--database", settings.database_url, "backup", str(out)])
    assert result.exit_code == 0, result.output
    files = [db, db.with_name(db.name + "-wal"), out]
    assert files[1].exists()
    for path in files:
        raw = path.read_bytes().lower()
        for secret in SECRETS:
            assert secret.lower().encode() not in raw, (path.name, secret)


def test_a_sealed_row_keeps_only_blind_indexes_and_the_facts_sql_reads(world: World) -> None:
    ind, report = _red(world)
    row = _raw(world, ind["id"])
    assert row["sealed"] and row["data_key_id"]
    assert row["body"] == '{"pattern":"ipv4-addr:"}'  # the dashboard's kind index reads this, nothing more
    assert row["value"].startswith("bi1:") and VALUE not in row["value"]
    assert not any(s.lower() in row["search_text"] for s in SECRETS)
    assert _raw(world, report["id"])["body"] == "{}"


def test_a_sealed_body_copied_into_another_row_is_refused(world: World, client: TestClient) -> None:
    ind, report = _red(world)
    with write_transaction(world.hub.engine) as conn:
        src = _raw(world, ind["id"])
        conn.execute(
            update(objects)
            .where(objects.c.stix_id == report["id"])
            .values(sealed=src["sealed"], data_key_id=src["data_key_id"])
        )
    got = client.get(f"/api/v1/objects/{report['id']}", headers=world.auth("bank-b"))
    assert got.status_code == 500 and "does not authenticate" in got.text
    assert not any(s in got.text for s in SECRETS)
    listed = client.get("/api/v1/objects", params={"limit": 100}, headers=world.auth("bank-b"))
    assert listed.status_code == 200
    assert [i["object"]["id"] for i in listed.json()["items"]] == [ind["id"]]  # the moved row is left out


def test_tampered_ciphertext_is_refused_and_left_out_of_lists(world: World, client: TestClient) -> None:
    ind, _ = _red(world)
    sealed = bytearray(_raw(world, ind["id"])["sealed"])
    sealed[-20] ^= 1
    with write_transaction(world.hub.engine) as conn:
        conn.execute(update(objects).where(objects.c.stix_id == ind["id"]).values(sealed=bytes(sealed)))
    got = client.get(f"/api/v1/objects/{ind['id']}", headers=world.auth("bank-a"))
    assert got.status_code == 500 and VALUE not in got.text
    taxii = client.get(
        "/taxii2/api/collections/community/objects/",
        headers={**world.auth("bank-a"), "Accept": "application/taxii+json;version=2.1"},
    )
    assert taxii.status_code in (200, 404)
    ids = [o["id"] for o in taxii.json().get("objects", [])] if taxii.status_code == 200 else []
    assert ind["id"] not in ids


def test_a_row_pointed_at_another_data_key_is_refused(world: World) -> None:
    ind, _ = _red(world)
    with write_transaction(world.hub.engine) as conn:
        conn.execute(update(objects).where(objects.c.stix_id == ind["id"]).values(data_key_id=10**6))
    page = query.list_objects(world.hub, world.principals["bank-a"], ObjectQuery(limit=100))
    assert ind["id"] not in {i.version.stix_id for i in page.items}


def test_value_word_and_observable_search_find_sealed_versions(world: World) -> None:
    ind, report = _red(world)
    who = world.principals["bank-b"]

    def found(q: ObjectQuery) -> set[str]:
        return {i.version.stix_id for i in query.list_objects(world.hub, who, q).items}

    assert found(ObjectQuery(value=VALUE)) == {ind["id"]}
    assert found(ObjectQuery(value=f" {VALUE.upper()} ")) == {ind["id"]}
    assert found(ObjectQuery(text="tamarind")) == {ind["id"], report["id"]}
    assert found(ObjectQuery(text="Aberdeen TREASURY")) == {ind["id"], report["id"]}
    assert found(ObjectQuery(text="wrap-up")) == {report["id"]}
    assert found(ObjectQuery(text=VALUE)) == {ind["id"]}
    assert found(ObjectQuery(observables=(VALUE,))) == {ind["id"]}
    assert found(ObjectQuery(value="203.0.113.78")) == set()
    assert found(ObjectQuery(text="tamarin")) == set()  # honestly: no substring search in sealed rows
    assert found(ObjectQuery(text="tamarind kingfisher")) == {ind["id"]}


def test_restricted_seals_only_amber_strict_and_red(world: World) -> None:
    world.hub.settings = Settings(**{**world.hub.settings.__dict__, "seal_objects": "restricted"})
    audience = Audience(org_ids=frozenset({world.org_ids["bank-b"]}))
    by_tlp = {}
    for tlp in Tlp:
        ind = indicator(f"192.0.2.{list(Tlp).index(tlp) + 1}")
        publish(world.hub, world.principals["bank-a"], PublishRequest([ind], audience, tlp))
        by_tlp[tlp] = _raw(world, ind["id"])["sealed"] is not None
    assert by_tlp == {Tlp.CLEAR: False, Tlp.GREEN: False, Tlp.AMBER: False, Tlp.AMBER_STRICT: True, Tlp.RED: True}
    found = query.list_objects(world.hub, world.principals["bank-b"], ObjectQuery(text="bad", limit=100))
    assert len(found.items) == 5  # clear and sealed rows answer the same query


def test_one_data_key_serves_many_versions_of_one_producer_and_band(world: World) -> None:
    for n in range(3):
        publish(world.hub, world.principals["bank-a"], PublishRequest([indicator(f"192.0.2.{n}")], _ALL, Tlp.GREEN))
    publish(world.hub, world.principals["bank-b"], PublishRequest([indicator("192.0.2.9")], _ALL, Tlp.GREEN))
    with read_transaction(world.hub.engine) as conn:
        rows = conn.execute(select(objects.c.producer_org_id, objects.c.data_key_id)).all()
    assert len({d for o, d in rows if o == world.org_ids["bank-a"]}) == 1
    assert len({d for _, d in rows}) == 2


def test_off_stores_clear_rows_and_reads_sealed_ones_stored_before(world: World) -> None:
    sealed = indicator("192.0.2.50")
    publish(world.hub, world.principals["bank-a"], PublishRequest([sealed], _ALL, Tlp.GREEN))
    world.hub.settings = Settings(**{**world.hub.settings.__dict__, "seal_objects": "off"})
    clear = indicator("192.0.2.51")
    publish(world.hub, world.principals["bank-a"], PublishRequest([clear], _ALL, Tlp.GREEN))
    assert _raw(world, clear["id"])["sealed"] is None and _raw(world, sealed["id"])["sealed"] is not None
    page = query.list_objects(world.hub, world.principals["bank-c"], ObjectQuery(text="bad", limit=100))
    assert {i.version.stix_id for i in page.items} == {sealed["id"], clear["id"]}


def test_an_unknown_seal_mode_is_refused(world: World) -> None:
    world.hub.settings = Settings(**{**world.hub.settings.__dict__, "seal_objects": "some"})
    with pytest.raises(Exception, match="seal_objects"):
        publish(world.hub, world.principals["bank-a"], PublishRequest([indicator()], _ALL, Tlp.GREEN))


def test_sql_facts_match_what_the_sql_expression_reads() -> None:
    body = '{"id":"x","pattern":"([ domain-name:value = \'a\'] OR [url:value = \'b\'])","revoked":true}'
    assert object_seal.sql_facts(body) == '{"pattern":"domain-name:","revoked":true}'
    assert object_seal.sql_facts('{"name":"\\"revoked\\":true"}') == "{}"


_ALL = Audience(community=True)


def test_build_world_runs_sealed_by_default(hub: Hub) -> None:
    assert hub.settings.seal_objects == "all"
    build_world(hub)


def test_rotating_the_objects_and_blind_index_keys_keeps_reads_and_search_working(world: World) -> None:
    ind, _ = _red(world)
    who = world.principals["bank-b"]
    with read_transaction(world.hub.engine) as conn:
        keks = [key_store.active_key(conn, p, None) for p in (object_seal.PURPOSE, object_seal.BLIND_PURPOSE)]
    for kek in keks:
        assert kek is not None
        assert hub_keys.rotate(world.hub, kek.id).rewrapped >= 1
    assert query.get_object(world.hub, who, ind["id"])[0].obj == ind
    assert [i.version.stix_id for i in query.list_objects(world.hub, who, ObjectQuery(value=VALUE)).items] == [
        ind["id"]
    ]
    later = indicator("203.0.113.78")
    publish(world.hub, world.principals["bank-a"], PublishRequest([later], _ALL, Tlp.GREEN))  # a fresh data key
    assert [i.version.stix_id for i in query.list_objects(world.hub, who, ObjectQuery(value="203.0.113.78")).items] == [
        later["id"]
    ]


def test_destroying_the_blind_index_key_shreds_the_index_not_the_objects(world: World) -> None:
    ind, _ = _red(world)
    who = world.principals["bank-b"]
    with read_transaction(world.hub.engine) as conn:
        kek = key_store.active_key(conn, object_seal.BLIND_PURPOSE, None)
    assert kek is not None
    hub_keys.destroy(world.hub, kek.id, force=True)
    assert query.list_objects(world.hub, who, ObjectQuery(value=VALUE)).items == []  # not found, no failure
    assert query.get_object(world.hub, who, ind["id"])[0].obj == ind  # still readable
    later = indicator("203.0.113.90")
    publish(world.hub, world.principals["bank-a"], PublishRequest([later], _ALL, Tlp.GREEN))  # a new index key
    found = query.list_objects(world.hub, who, ObjectQuery(value="203.0.113.90")).items
    assert [i.version.stix_id for i in found] == [later["id"]]


def test_cached_data_keys_are_never_printed(world: World) -> None:
    _red(world)
    cache = world.hub.object_keys
    assert cache.writing
    for w in cache.writing.values():
        for shown in (repr(w), repr(cache), repr(world.hub)):
            assert repr(w.key) not in shown and w.key.hex() not in shown
