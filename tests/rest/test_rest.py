"""REST edge: status codes, error shapes, paging, admin."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from lionrock.hub.members import org_identity_id
from lionrock.stix.tlp import Tlp
from tests.conftest import World, bundle
from tests.factories import indicator, newer

URL = "/api/v1/bundles"


def test_publish_and_read_back(client: TestClient, world: World) -> None:
    ind = indicator("203.0.113.9")
    r = client.post(
        URL,
        headers=world.auth("bank-a"),
        json={"bundle": bundle(ind), "tlp": "amber", "audience": {"groups": ["circle"]}},
    )
    assert r.status_code == 201 and r.json()["stored"] == [ind["id"]]
    got = client.get(f"/api/v1/objects/{ind['id']}", headers=world.auth("bank-b")).json()
    assert got["object"] == ind
    assert got["meta"]["tlp"] == "amber" and got["meta"]["audience"]["groups"] == ["circle"]
    assert got["meta"]["producer"] == "bank-a"
    assert client.get(f"/api/v1/objects/{ind['id']}", headers=world.auth("bank-c")).status_code == 404
    by_value = client.get("/api/v1/objects", params={"value": "203.0.113.9"}, headers=world.auth("bank-b"))
    assert [i["object"]["id"] for i in by_value.json()["items"]] == [ind["id"]]
    by_text = client.get("/api/v1/objects", params={"q": "bad 203.0.113"}, headers=world.auth("bank-b"))
    assert len(by_text.json()["items"]) == 1


def test_versions_all_and_latest(client: TestClient, world: World) -> None:
    v1 = indicator()
    v2 = newer(v1, "2026-03-01T00:00:00.000Z")
    client.post(
        URL,
        headers=world.auth("bank-a"),
        json={"bundle": bundle(v1, v2), "tlp": "green", "audience": {"community": True}},
    )
    latest = client.get(f"/api/v1/objects/{v1['id']}", headers=world.auth("bank-c")).json()
    assert latest["object"]["modified"] == v2["modified"]
    every = client.get(f"/api/v1/objects/{v1['id']}", params={"versions": "all"}, headers=world.auth("bank-c"))
    assert [i["object"]["modified"] for i in every.json()["items"]] == [v1["modified"], v2["modified"]]


def test_cursor_paging_reads_everything_once(client: TestClient, world: World) -> None:
    objs = [indicator(f"198.51.100.{i}") for i in range(25)]
    client.post(
        URL,
        headers=world.auth("bank-a"),
        json={"bundle": bundle(*objs), "tlp": "green", "audience": {"community": True}},
    )
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 7, "type": "indicator"}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/objects", params=params, headers=world.auth("bank-b")).json()
        seen += [i["object"]["id"] for i in page["items"]]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert sorted(seen) == sorted(o["id"] for o in objs)


def test_error_statuses(client: TestClient, world: World) -> None:
    auth = world.auth("bank-a")
    assert client.get("/api/v1/objects").status_code == 401
    assert client.get("/api/v1/objects", headers={"Authorization": "Bearer lr_nope"}).status_code == 401
    bad = client.post(URL, headers={**auth, "Content-Type": "application/json"}, content=b"{not json")
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["error"]["message"]
    invalid = client.post(
        URL,
        headers=auth,
        json={
            "bundle": bundle(indicator(), {"type": "indicator", "id": "x"}),
            "tlp": "green",
            "audience": {"community": True},
        },
    )
    assert invalid.status_code == 422
    assert [p["index"] for p in invalid.json()["error"]["problems"]] == [1]
    huge = client.post(URL, headers=auth, content=b"x" * (3 * 1024 * 1024))
    assert huge.status_code == 413
    red = client.post(
        URL, headers=auth, json={"bundle": bundle(indicator()), "tlp": "red", "audience": {"community": True}}
    )
    assert red.status_code == 422 and "RED" in red.text
    reader = {"Authorization": f"Bearer {world.tokens['bank-a:reader']}"}
    assert (
        client.post(
            URL, headers=reader, json={"bundle": bundle(indicator()), "tlp": "green", "audience": {"community": True}}
        ).status_code
        == 403
    )
    unknown = client.post(
        URL, headers=auth, json={"bundle": bundle(indicator()), "tlp": "green", "audience": {"groups": ["nope"]}}
    )
    assert unknown.status_code == 422
    assert client.get("/api/v1/objects", params={"cursor": "!!"}, headers=auth).status_code == 400


def test_basic_auth_with_token_as_password(client: TestClient, world: World) -> None:
    creds = base64.b64encode(f"anyone:{world.tokens['bank-a']}".encode()).decode()
    assert client.get("/api/v1/me", headers={"Authorization": f"Basic {creds}"}).json()["org"] == "bank-a"


def test_token_lifecycle_and_admin_rights(client: TestClient, world: World) -> None:
    analyst = world.auth("bank-a")
    assert client.post("/api/v1/tokens", headers=analyst, json={"role": "reader"}).status_code == 403
    ops = world.auth("ops")
    bad = client.post("/api/v1/tokens", headers=ops, json={"org": "bank-c", "role": "reader", "expires_days": "soon"})
    assert bad.status_code == 422
    made = client.post("/api/v1/tokens", headers=ops, json={"org": "bank-c", "role": "reader", "name": "siem"})
    assert made.status_code == 201
    secret, token_id = made.json()["token"], made.json()["id"]
    auth = {"Authorization": f"Bearer {secret}"}
    me = client.get("/api/v1/me", headers=auth).json()
    assert me == {"org": "bank-c", "kind": "bank", "role": "reader", "identity": org_identity_id("bank-c")}
    listed = client.get("/api/v1/tokens", headers=ops).json()["items"]
    assert secret not in str(listed) and any(t["name"] == "siem" for t in listed)
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=ops).status_code == 200
    assert client.get("/api/v1/me", headers=auth).status_code == 401


def test_operators_manage_members_but_cannot_read_content(client: TestClient, world: World) -> None:
    ops = world.auth("ops")
    assert client.post("/api/v1/orgs", headers=ops, json={"name": "bank-d", "kind": "bank"}).status_code == 201
    assert (
        client.post("/api/v1/orgs", headers=world.auth("bank-a"), json={"name": "bank-e", "kind": "bank"}).status_code
        == 403
    )
    assert (
        client.post("/api/v1/groups", headers=ops, json={"name": "cd", "members": ["bank-c", "bank-d"]}).status_code
        == 201
    )
    secret = indicator(tlp=Tlp.AMBER)
    client.post(URL, headers=world.auth("bank-a"), json={"bundle": bundle(secret), "audience": {"orgs": ["bank-b"]}})
    assert client.get(f"/api/v1/objects/{secret['id']}", headers=ops).status_code == 404
    assert client.get(f"/api/v1/objects/{secret['id']}", headers=world.auth("hkma")).status_code == 404


def test_audit_view_shows_own_organisation_only(client: TestClient, world: World) -> None:
    client.post(
        URL,
        headers=world.auth("bank-a"),
        json={"bundle": bundle(indicator()), "tlp": "green", "audience": {"community": True}, "anonymous": True},
    )
    admin = client.post("/api/v1/tokens", headers=world.auth("ops"), json={"org": "bank-b", "role": "org-admin"})
    b_admin = {"Authorization": f"Bearer {admin.json()['token']}"}
    actions = [e["action"] for e in client.get("/api/v1/audit", headers=b_admin).json()["items"]]
    assert "publish" not in actions


def test_openapi_is_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/bundles" in spec["paths"] and "/taxii2/api/collections/" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_outward_feed_carries_clear_and_green_only(client: TestClient, world: World) -> None:
    levels = {t: indicator(tlp=t) for t in Tlp}
    for tlp, obj in levels.items():
        audience = {"orgs": ["bank-b"]} if tlp is Tlp.RED else {"community": True}
        r = client.post(URL, headers=world.auth("bank-a"), json={"bundle": bundle(obj), "audience": audience})
        assert r.status_code == 201
    feed = client.get("/api/v1/feeds/outward", headers=world.auth("bank-b")).json()
    assert feed["type"] == "bundle"
    assert {o["id"] for o in feed["objects"]} == {levels[Tlp.CLEAR]["id"], levels[Tlp.GREEN]["id"]}
    # the producer itself cannot push its own AMBER or RED out either
    own = client.get("/api/v1/feeds/outward", headers=world.auth("bank-a")).json()
    assert {o["id"] for o in own["objects"]} == {levels[Tlp.CLEAR]["id"], levels[Tlp.GREEN]["id"]}
