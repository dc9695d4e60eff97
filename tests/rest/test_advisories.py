"""REST and TAXII edges of advisories: the issue's scenario over HTTP, error shapes, the collection."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from lionrock.access.model import OrgKind, Role
from lionrock.hub.collections import ADVISORIES_ID
from lionrock.hub.members import add_org, create_token
from lionrock.stix.ids import timestamp_to_us
from tests.conftest import World
from tests.factories import indicator

URL = "/api/v1/advisories"
TAXII = "application/taxii+json;version=2.1"


def _advisory(**extra: Any) -> dict[str, Any]:
    return {
        "title": "SMS phishing wave",
        "summary": "Review SMS sender registration.",
        "severity": "high",
        "deadline": "2026-10-01T00:00:00Z",
        "affected": ["Mobile banking app"],
        "actions": [{"name": "Alert customers"}],
        "objects": [indicator("203.0.113.9")],
        "audience": {"orgs": ["bank-a", "bank-b", "bank-d"]},
        **extra,
    }


def _publish(client: TestClient, world: World) -> str:
    add_org(world.hub, "bank-d", OrgKind.BANK)
    world.tokens["bank-d"] = create_token(world.hub, "bank-d", Role.ANALYST).secret
    world.hub.clock = lambda: timestamp_to_us("2026-09-30T00:00:00Z") or 0
    r = client.post(URL, headers=world.auth("hkma"), json=_advisory())
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_issue_scenario_over_rest(client: TestClient, world: World) -> None:
    advisory_id = _publish(client, world)
    one = f"{URL}/{advisory_id}"
    a = client.put(f"{one}/response", headers=world.auth("bank-a"), json={"exposure": "affected", "note": "on it"})
    b = client.put(f"{one}/response", headers=world.auth("bank-b"), json={"exposure": "not-affected"})
    assert a.status_code == b.status_code == 200
    world.hub.clock = lambda: timestamp_to_us("2026-10-02T00:00:00Z") or 0
    table = client.get(f"{one}/responses", headers=world.auth("hkma")).json()
    assert table["acknowledged"] == ["bank-a", "bank-b"] and table["overdue"] == ["bank-d"]
    assert table["totals"] == {"not-affected": 1, "investigating": 0, "affected": 1, "remediated": 0}
    mine = client.get(URL, headers=world.auth("bank-b")).json()["items"]
    assert [(i["id"], i["response"]["exposure"], i["response"]["note"]) for i in mine] == [
        (advisory_id, "not-affected", None)
    ]
    assert client.get(one, headers=world.auth("bank-a")).json()["response"]["note"] == "on it"
    assert client.get(f"{one}/responses", headers=world.auth("bank-a")).status_code == 403


def test_outside_the_audience_is_not_found_in_the_hub_error_shape(client: TestClient, world: World) -> None:
    advisory_id = _publish(client, world)
    hidden = client.get(f"{URL}/{advisory_id}", headers=world.auth("bank-c"))
    absent = client.get(f"{URL}/report--00000000-0000-4000-8000-000000000000", headers=world.auth("bank-c"))
    assert hidden.status_code == absent.status_code == 404
    assert set(hidden.json()["error"]) == {"status", "message"}
    r = client.put(f"{URL}/{advisory_id}/response", headers=world.auth("bank-c"), json={"exposure": "affected"})
    assert r.status_code == 404


def test_banks_and_readers_cannot_publish_advisories(client: TestClient, world: World) -> None:
    assert (
        client.post(URL, headers=world.auth("bank-a"), json=_advisory(audience={"community": True})).status_code == 403
    )
    reader = client.post(URL, headers=world.auth("hkma:reader"), json=_advisory(audience={"community": True}))
    assert reader.status_code == 403


def test_bad_bodies_are_refused_with_422(client: TestClient, world: World) -> None:
    for body in (_advisory(severity="urgent"), _advisory(deadline="soon"), {"title": "x"}, _advisory(audience={})):
        assert client.post(URL, headers=world.auth("hkma"), json=body).status_code == 422


def test_closing_stops_responses(client: TestClient, world: World) -> None:
    advisory_id = _publish(client, world)
    assert client.post(f"{URL}/{advisory_id}/close", headers=world.auth("bank-a")).status_code == 403
    assert client.post(f"{URL}/{advisory_id}/close", headers=world.auth("hkma")).status_code == 200
    r = client.put(f"{URL}/{advisory_id}/response", headers=world.auth("bank-a"), json={"exposure": "affected"})
    assert r.status_code == 409


def test_the_advisories_collection_serves_the_advisory(client: TestClient, world: World) -> None:
    advisory_id = _publish(client, world)
    url = f"/taxii2/api/collections/{ADVISORIES_ID}/objects/"
    got = client.get(url, headers={**world.auth("bank-d"), "Accept": TAXII}).json()
    report = next(o for o in got["objects"] if o["id"] == advisory_id)
    assert report["x_lionrock_advisory"]["severity"] == "high"
    assert {o["type"] for o in got["objects"]} == {"report", "indicator", "course-of-action"}
    outside = client.get(url, headers={**world.auth("bank-c"), "Accept": TAXII}).json()
    assert advisory_id not in [o["id"] for o in outside.get("objects", [])]


def test_a_stored_xss_title_comes_back_verbatim(client: TestClient, world: World) -> None:
    add_org(world.hub, "bank-d", OrgKind.BANK)
    title = "<script>alert(1)</script>"
    r = client.post(URL, headers=world.auth("hkma"), json=_advisory(title=title))
    assert client.get(f"{URL}/{r.json()['id']}", headers=world.auth("bank-a")).json()["title"] == title
