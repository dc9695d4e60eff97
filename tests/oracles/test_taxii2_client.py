"""The OASIS reference client `taxii2-client` against a live lionrock; `stix2-validator` on what comes back."""

from __future__ import annotations

import json

import httpx
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from lionrock.hub.collections import COMMUNITY_ID
from lionrock.stix.tlp import Tlp, tlp_of_markings
from tests.conftest import World, shared
from tests.factories import indicator, newer

OPTIONS = ValidationOptions(version="2.1")


def _root(live_url: str, world: World, who: str) -> ApiRoot:
    server = Server(f"{live_url}/taxii2/", user="anyone", password=world.tokens[who])
    assert server.title == "lionrock"
    return server.api_roots[0]


def _community(root: ApiRoot) -> Collection:
    return next(c for c in root.collections if c.id == COMMUNITY_ID)


def test_add_wait_and_read_every_object_exactly_once(live_url: str, world: World) -> None:
    root = _root(live_url, world, "bank-a")
    writer = _community(root)
    assert writer.can_write and root.max_content_length > 0
    objs = [indicator(f"198.51.100.{i % 250}", tlp=Tlp.GREEN) for i in range(230)]
    status = writer.add_objects(json.dumps({"objects": objs}), wait_for_completion=True, poll_interval=0.1)
    assert status.status == "complete" and status.success_count == 230 and status.failure_count == 0
    reader = _community(_root(live_url, world, "bank-c"))
    seen: list[str] = []
    for envelope in as_pages(reader.get_objects, per_request=50):
        for obj in envelope.get("objects", []):
            seen.append(obj["id"])
            assert validate_instance(obj, OPTIONS).is_valid, obj["id"]
    assert sorted(seen) == sorted(o["id"] for o in objs)
    manifest_ids = [m["id"] for page in as_pages(reader.get_manifest, per_request=100) for m in page.get("objects", [])]
    assert sorted(manifest_ids) == sorted(seen)


def test_versions_filters_and_single_object(live_url: str, world: World) -> None:
    writer = _community(_root(live_url, world, "bank-a"))
    v1 = indicator(tlp=Tlp.GREEN)
    v2 = newer(v1, "2026-06-01T00:00:00.000Z")
    other = indicator("203.0.113.1", tlp=Tlp.GREEN)
    writer.add_objects(json.dumps({"objects": [v1, v2, other]}), wait_for_completion=True, poll_interval=0.1)
    reader = _community(_root(live_url, world, "bank-b"))
    assert reader.object_versions(v1["id"])["versions"] == [v1["modified"], v2["modified"]]
    assert reader.get_object(v1["id"])["objects"] == [v2]
    assert len(reader.get_object(v1["id"], version="all")["objects"]) == 2
    by_type = reader.get_objects(type="indicator", version="all")
    assert len(by_type["objects"]) == 3
    by_id = reader.get_objects(id=other["id"])
    assert by_id["objects"] == [other]
    later = reader.get_objects(added_after="2999-01-01T00:00:00Z")
    assert later.get("objects", []) == []


def test_reference_client_sees_nothing_beyond_policy(live_url: str, world: World) -> None:
    writer = _community(_root(live_url, world, "bank-a"))
    writer.add_objects(json.dumps({"objects": [indicator(tlp=Tlp.GREEN)]}), wait_for_completion=True)
    root_c = _root(live_url, world, "bank-c")
    titles = sorted(c.title for c in root_c.collections)
    assert titles == ["Advisories", "Community"]  # bank-c is in no sharing group


def test_official_examples_round_trip_unchanged(live_url: str, world: World) -> None:
    """Published unchanged over REST (TLP given with the request where unmarked; RED ones to a named
    org), read back over TAXII by the reference client: every object comes back identical."""
    reader = _community(_root(live_url, world, "bank-b"))
    publisher = _community(_root(live_url, world, "bank-a"))  # sightings: only reporter and owner see them
    for path in sorted(shared("stix", "examples").glob("*.json")):
        data = json.loads(path.read_text())
        objects = data["objects"] if data.get("type") == "bundle" else [data]
        red = any(tlp_of_markings(o.get("object_marking_refs", [])) is Tlp.RED for o in objects)
        audience = {"orgs": ["bank-b"]} if red else {"community": True}
        response = httpx.post(
            f"{live_url}/api/v1/bundles",
            headers=world.auth("bank-a"),
            json={
                "bundle": {"type": "bundle", "id": "bundle--6a1e0b1c-8d7a-4a7f-9b41-1d0c7b0d8e11", "objects": objects},
                "tlp": "green",
                "audience": audience,
            },
        )
        assert response.status_code == 201, (path.name, response.text)
        for original in objects:
            via = publisher if original["type"] == "sighting" else reader
            got = via.get_object(original["id"], version="all")["objects"]
            assert original in got, (path.name, original["id"])
            for obj in got:
                assert validate_instance(obj, OPTIONS).is_valid
