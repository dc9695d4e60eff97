"""An organisation's own `objects` key crypto-shreds its TLP:AMBER+STRICT and TLP:RED objects: after
`keys destroy --force`, reading one answers 410 Gone with the reason, lists leave them out without
failing, the command counts them; everyone else's objects and its own lower-TLP ones stay readable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from lionrock.access.model import Audience, Role
from lionrock.app import create_app
from lionrock.cli.main import main
from lionrock.errors import Conflict
from lionrock.hub import Hub, query
from lionrock.hub import keys as hub_keys
from lionrock.hub.publish import PublishRequest, publish
from lionrock.hub.users import add_user
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from lionrock.store.objects import ObjectQuery
from tests.conftest import World
from tests.factories import indicator
from tests.web.helpers import sign_in

TAXII_HEADERS = {"Accept": "application/taxii+json;version=2.1"}


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        audit_key_file=str(tmp_path / "keys" / "audit-key"),
        key_file=str(tmp_path / "keys" / "hub.keys"),
    )


@pytest.fixture
def client(settings: Settings, hub: Hub) -> Iterator[TestClient]:
    with TestClient(create_app(settings, hub)) as c:
        yield c


def _pub(world: World, who: str, value: str, tlp: Tlp) -> dict[str, Any]:
    ind = indicator(value)
    readers = frozenset(world.org_ids[o] for o in ("bank-a", "bank-b", "bank-c"))
    publish(world.hub, world.principals[who], PublishRequest([ind], Audience(org_ids=readers), tlp))
    return ind


def _cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    env = {"LIONROCK_AUDIT_KEY_FILE": settings.audit_key_file, "LIONROCK_KEY_FILE": settings.key_file}
    result = CliRunner().invoke(main, ["--database", settings.database_url, "keys", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_destroying_an_organisations_own_key_shreds_its_restricted_objects_alone(
    world: World, settings: Settings, client: TestClient
) -> None:
    before = _pub(world, "bank-a", "192.0.2.1", Tlp.RED)  # before its own key: under the hub's key
    code, out, _ = _cli(settings, "create", "objects", "--org", "bank-a")
    assert code == 0
    own = int(out.strip())
    red = _pub(world, "bank-a", "192.0.2.2", Tlp.RED)
    strict = _pub(world, "bank-a", "192.0.2.3", Tlp.AMBER_STRICT)
    green = _pub(world, "bank-a", "192.0.2.4", Tlp.GREEN)
    others = _pub(world, "bank-b", "192.0.2.5", Tlp.RED)
    with pytest.raises(Conflict, match="sealing 2 object versions"):
        hub_keys.destroy(world.hub, own)

    # warm the process's key cache first: a destroy must still take effect at once
    assert len(client.get("/api/v1/objects", headers=world.auth("bank-c")).json()["items"]) == 5
    code, _, err = _cli(settings, "destroy", str(own), "--force")
    assert code == 0 and "2 stored object versions" in err, err

    for shredded in (red, strict):
        got = client.get(f"/api/v1/objects/{shredded['id']}", headers=world.auth("bank-c"))
        assert got.status_code == 410 and "destroyed" in got.text, got.text
        mine = client.get(f"/api/v1/objects/{shredded['id']}", headers=world.auth("bank-a"))
        assert mine.status_code == 410
        web = client.get(f"/taxii2/api/collections/community/objects/{shredded['id']}/", headers=TAXII_HEADERS)
        assert web.status_code != 200
    readable = {before["id"], green["id"], others["id"]}
    listed = client.get("/api/v1/objects", params={"limit": 100}, headers=world.auth("bank-c"))
    assert listed.status_code == 200
    assert {i["object"]["id"] for i in listed.json()["items"]} == readable
    taxii = client.get("/taxii2/api/collections/community/objects/", headers={**world.auth("bank-c"), **TAXII_HEADERS})
    assert taxii.status_code in (200, 404)  # the audience is named organisations, not the community
    found = query.list_objects(world.hub, world.principals["bank-c"], ObjectQuery(text="bad", limit=100))
    assert {i.version.stix_id for i in found.items} == readable
    assert query.list_objects(world.hub, world.principals["bank-b"], ObjectQuery(value="192.0.2.2")).items == []
    for oid in readable:
        assert client.get(f"/api/v1/objects/{oid}", headers=world.auth("bank-c")).status_code == 200

    password = add_user(world.hub, "bank-c", "web-c", Role.READER).password
    assert sign_in(client, "web-c", password).status_code == 303
    page = client.get(f"/web/objects/{red['id']}")
    assert page.status_code == 410 and "destroyed" in page.text
    listed = client.get("/web/search", params={"limit": 200})
    assert listed.status_code == 200 and red["id"] not in listed.text and green["id"] in listed.text


def test_a_fresh_own_key_after_a_destroy_seals_new_objects_readably(world: World, settings: Settings) -> None:
    own = hub_keys.create(world.hub, "objects", org="bank-a").id
    _pub(world, "bank-a", "192.0.2.8", Tlp.RED)
    assert hub_keys.destroy(world.hub, own, force=True).objects == 1
    later = _pub(world, "bank-a", "192.0.2.9", Tlp.RED)  # under the hub's key now
    shown = query.get_object(world.hub, world.principals["bank-b"], later["id"])
    assert shown[0].obj["pattern"] == later["pattern"]
