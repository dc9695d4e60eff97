"""TAXII 2.1 edge: media types, errors, filters, paging headers, versions, delete, status."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from lionrock.hub.collections import ADVISORIES_ID, COMMUNITY_ID, group_collection_id
from lionrock.stix.tlp import Tlp
from tests.conftest import World
from tests.factories import indicator, malware, newer

MEDIA = "application/taxii+json;version=2.1"
ROOT = "/taxii2/api"
OBJECTS = f"{ROOT}/collections/{COMMUNITY_ID}/objects/"


def h(world: World, who: str, **extra: str) -> dict[str, str]:
    return {**world.auth(who), "Accept": MEDIA, **extra}


def add(client: TestClient, world: World, who: str, objs: list[dict[str, Any]], url: str = OBJECTS) -> dict[str, Any]:
    r = client.post(url, headers=h(world, who, **{"Content-Type": MEDIA}), json={"objects": objs})
    assert r.status_code == 202, r.text
    assert r.headers["content-type"].startswith("application/taxii+json")
    return dict(r.json())


def test_discovery_root_and_collections(client: TestClient, world: World) -> None:
    d = client.get("/taxii2/", headers=h(world, "bank-a")).json()
    assert d["api_roots"] == [d["default"]] and d["default"].endswith("/taxii2/api/")
    root = client.get(f"{ROOT}/", headers=h(world, "bank-a")).json()
    assert root["versions"] == [MEDIA] and root["max_content_length"] > 0
    cols = {c["title"]: c for c in client.get(f"{ROOT}/collections/", headers=h(world, "bank-a")).json()["collections"]}
    assert set(cols) == {"Community", "Advisories", "Group: circle"}
    assert cols["Community"]["can_write"] and not cols["Advisories"]["can_write"]
    police = client.get(f"{ROOT}/collections/", headers=h(world, "police")).json()["collections"]
    assert next(c for c in police if c["id"] == ADVISORIES_ID)["can_write"]


def test_protocol_errors(client: TestClient, world: World) -> None:
    assert client.get("/taxii2/").status_code == 401
    assert "WWW-Authenticate" in client.get("/taxii2/").headers
    err = client.get("/taxii2/", headers=h(world, "bank-a", Accept="application/xml"))
    assert err.status_code == 406 and err.json()["http_status"] == "406"
    assert (
        client.get("/taxii2/", headers=h(world, "bank-a", Accept="application/taxii+json;version=2.0")).status_code
        == 406
    )
    wrong_type = client.post(OBJECTS, headers=h(world, "bank-a", **{"Content-Type": "text/plain"}), content=b"{}")
    assert wrong_type.status_code == 415
    big = client.post(OBJECTS, headers=h(world, "bank-a", **{"Content-Type": MEDIA}), content=b" " * (3 << 20))
    assert big.status_code == 413
    assert client.get(f"{ROOT}/collections/nope/objects/", headers=h(world, "bank-a")).status_code == 404
    assert (
        client.post(
            f"{ROOT}/collections/{ADVISORIES_ID}/objects/",
            headers=h(world, "bank-a", **{"Content-Type": MEDIA}),
            json={"objects": [indicator(tlp=Tlp.GREEN)]},
        ).status_code
        == 403
    )
    assert client.get(f"{ROOT}/status/nope/", headers=h(world, "bank-a")).status_code == 404
    bad_json = client.post(OBJECTS, headers=h(world, "bank-a", **{"Content-Type": MEDIA}), content=b"[")
    assert bad_json.status_code == 400
    not_envelope = client.post(
        OBJECTS, headers=h(world, "bank-a", **{"Content-Type": MEDIA}), json={"type": "bundle", "objects": []}
    )
    assert not_envelope.status_code == 422 and not_envelope.json()["http_status"] == "422"


def test_add_reports_status_and_invalid_objects_fail_whole_envelope(client: TestClient, world: World) -> None:
    good = indicator(tlp=Tlp.GREEN)
    status = add(client, world, "bank-a", [good])
    assert status["status"] == "complete" and status["success_count"] == 1
    again = client.get(f"{ROOT}/status/{status['id']}/", headers=h(world, "bank-a")).json()
    assert again == status
    assert client.get(f"{ROOT}/status/{status['id']}/", headers=h(world, "bank-b")).status_code == 404
    unmarked, broken = indicator(), {**indicator(tlp=Tlp.GREEN), "pattern": "[x"}
    status = add(client, world, "bank-a", [indicator(tlp=Tlp.GREEN), unmarked, broken])
    assert status["success_count"] == 0 and status["failure_count"] == 3
    messages = {f["id"]: f["message"] for f in status["failures"]}
    assert "no TLP marking" in messages[unmarked["id"]] and "pattern" in messages[broken["id"]]


def test_filters_paging_and_headers(client: TestClient, world: World) -> None:
    inds = [indicator(f"198.51.100.{i}", tlp=Tlp.GREEN) for i in range(5)]
    mal = malware(tlp=Tlp.GREEN)
    add(client, world, "bank-a", [*inds, mal])
    first = client.get(OBJECTS, headers=h(world, "bank-b"), params={"limit": 2})
    env = first.json()
    assert env["more"] is True and len(env["objects"]) == 2 and env["next"]
    assert first.headers["X-TAXII-Date-Added-First"] <= first.headers["X-TAXII-Date-Added-Last"]
    rest = client.get(OBJECTS, headers=h(world, "bank-b"), params={"next": env["next"], "limit": 10}).json()
    assert rest["more"] is False and len(rest["objects"]) == 4
    after = client.get(
        OBJECTS, headers=h(world, "bank-b"), params={"added_after": first.headers["X-TAXII-Date-Added-Last"]}
    ).json()
    assert len(after["objects"]) == 4
    only_malware = client.get(OBJECTS, headers=h(world, "bank-b"), params={"match[type]": "malware"}).json()
    assert [o["id"] for o in only_malware["objects"]] == [mal["id"]]
    by_id = client.get(OBJECTS, headers=h(world, "bank-b"), params={"match[id]": f"{inds[0]['id']},{mal['id']}"})
    assert len(by_id.json()["objects"]) == 2
    assert client.get(OBJECTS, headers=h(world, "bank-b"), params={"match[spec_version]": "2.0"}).json() == {
        "more": False
    }
    assert client.get(OBJECTS, headers=h(world, "bank-b"), params={"added_after": "yesterday"}).status_code == 400


def test_versions_and_version_filters(client: TestClient, world: World) -> None:
    v1 = indicator(tlp=Tlp.GREEN)
    v2, v3 = newer(v1, "2026-02-01T00:00:00.000Z"), newer(v1, "2026-03-01T00:00:00.000Z")
    add(client, world, "bank-a", [v1, v2, v3])
    url = f"{OBJECTS}{v1['id']}/"
    versions = client.get(f"{url}versions/", headers=h(world, "bank-b")).json()["versions"]
    assert versions == [v1["modified"], v2["modified"], v3["modified"]]
    assert [o["modified"] for o in client.get(url, headers=h(world, "bank-b")).json()["objects"]] == [v3["modified"]]
    first = client.get(url, headers=h(world, "bank-b"), params={"match[version]": "first"}).json()
    assert [o["modified"] for o in first["objects"]] == [v1["modified"]]
    exact = client.get(url, headers=h(world, "bank-b"), params={"match[version]": v2["modified"]}).json()
    assert [o["modified"] for o in exact["objects"]] == [v2["modified"]]
    manifest = client.get(
        f"{ROOT}/collections/{COMMUNITY_ID}/manifest/", headers=h(world, "bank-b"), params={"match[version]": "all"}
    ).json()
    assert sorted(m["version"] for m in manifest["objects"]) == versions
    assert all(m["media_type"] == "application/stix+json;version=2.1" for m in manifest["objects"])


def test_delete_by_producer_only(client: TestClient, world: World) -> None:
    ind = indicator(tlp=Tlp.GREEN)
    add(client, world, "bank-a", [ind])
    url = f"{OBJECTS}{ind['id']}/"
    assert client.delete(url, headers=h(world, "bank-b")).status_code == 403
    assert client.delete(url, headers=h(world, "bank-a")).status_code == 200
    assert client.get(url, headers=h(world, "bank-a")).status_code == 404


def test_group_collection_writes_reach_the_group_only(client: TestClient, world: World) -> None:
    ind = indicator(tlp=Tlp.AMBER)
    add(client, world, "bank-a", [ind], url=f"{ROOT}/collections/{group_collection_id('circle')}/objects/")
    assert client.get(f"{OBJECTS}{ind['id']}/", headers=h(world, "bank-b")).status_code == 200
    assert client.get(f"{OBJECTS}{ind['id']}/", headers=h(world, "bank-c")).status_code == 404


def test_advisories_collection(client: TestClient, world: World) -> None:
    note = {
        "type": "note",
        "spec_version": "2.1",
        "id": "note--0c8f7f3e-2e1a-4b5c-8d9e-1f2a3b4c5d6e",
        "created": "2026-01-01T00:00:00Z",
        "modified": "2026-01-01T00:00:00Z",
        "content": "patch now",
        "object_refs": ["malware--0c8f7f3e-2e1a-4b5c-8d9e-1f2a3b4c5d6e"],
        "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
    }
    add(client, world, "hkma", [note], url=f"{ROOT}/collections/{ADVISORIES_ID}/objects/")
    add(client, world, "bank-a", [indicator(tlp=Tlp.GREEN)])
    got = client.get(f"{ROOT}/collections/{ADVISORIES_ID}/objects/", headers=h(world, "bank-c")).json()
    assert [o["id"] for o in got["objects"]] == [note["id"]]
