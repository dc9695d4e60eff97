"""Property: sealing object versions changes no answer. The same random publications stored with
`seal_objects` all and off give every organisation identical REST, TAXII, value, word and observable
search, sightings and dashboard answers (only the instants the hub added them at differ)."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lionrock.app import create_app
from lionrock.hub import dashboard, query, sightings
from lionrock.hub.collections import COMMUNITY_ID, group_collection_id
from lionrock.store.objects import ObjectQuery
from tests.conftest import build_world
from tests.test_policy_properties import GROUPS, ORG_NAMES, TAXII, TAXII_HEADERS, Pub, _objects, fresh_hub, pubs

Bundle = tuple[Pub, list[dict[str, Any]]]


def _bundles(scenario: list[Pub]) -> list[Bundle]:
    """The objects of each publication, made once so that both hubs receive the very same ones."""
    held: list[str] = []
    out: list[Bundle] = []
    for pub in scenario:
        objs = _objects(pub, held)
        held += [o["id"] for o in objs]
        if objs:
            out.append((pub, objs))
    return out


def _without_dates(item: dict[str, Any]) -> dict[str, Any]:
    return {**item, "meta": {k: v for k, v in item["meta"].items() if k != "date_added"}}


def _answers(seal: str, bundles: list[Bundle]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    with fresh_hub(seal) as hub, TestClient(create_app(hub.settings, hub)) as client:
        world = build_world(hub)
        for pub, objs in bundles:
            response = client.post(
                "/api/v1/bundles",
                headers=world.auth(pub.org),
                json={
                    "bundle": {"type": "bundle", "id": "bundle--3d8f2a1e-5b8c-4c2a-9f1e-0a1b2c3d4e5f", "objects": objs},
                    "tlp": pub.tlp.value,
                    "audience": pub.audience,
                    "anonymous": pub.anonymous,
                },
            )
            answers[f"publish {objs[0]['id']}"] = (response.status_code, response.json().get("stored"))
        ids = sorted({o["id"] for _, objs in bundles for o in objs})
        values = sorted({o["pattern"][19:-2] for _, objs in bundles for o in objs if o["type"] == "indicator"})
        words = ["bad", "pearldrop", "indicates", "malicious-activity", *values[:3]]
        for org in ORG_NAMES:
            auth = world.auth(org)
            who = world.principals[org]
            rest = client.get("/api/v1/objects", params={"limit": 10000, "versions": "all"}, headers=auth).json()
            answers[f"{org} rest"] = sorted((_without_dates(i) for i in rest["items"]), key=str)
            taxii = client.get(
                f"{TAXII}/{COMMUNITY_ID}/objects/", headers={**auth, **TAXII_HEADERS}, params={"match[version]": "all"}
            ).json()
            answers[f"{org} taxii"] = sorted(taxii.get("objects", []), key=str)
            for oid in ids:
                single = client.get(f"/api/v1/objects/{oid}", headers=auth)
                answers[f"{org} get {oid}"] = (single.status_code, single.json().get("object"))
                try:
                    answers[f"{org} sightings {oid}"] = sightings.seen(hub, who, oid).as_json()
                except Exception as exc:
                    answers[f"{org} sightings {oid}"] = type(exc).__name__
            for value in values:
                found = client.get("/api/v1/objects", params={"value": value}, headers=auth).json()["items"]
                answers[f"{org} value {value}"] = sorted(i["object"]["id"] for i in found)
                page = query.list_objects(hub, who, ObjectQuery(observables=(value,), limit=1000))
                answers[f"{org} observable {value}"] = sorted(i.version.stix_id for i in page.items)
            for word in words:
                found = client.get("/api/v1/objects", params={"q": word, "limit": 1000}, headers=auth).json()["items"]
                answers[f"{org} text {word}"] = sorted(i["object"]["id"] for i in found)
            board = dashboard.dashboard(hub, who, time.time_ns() // 1000)
            answers[f"{org} dashboard"] = (board.visible_objects, board.indicator_kinds, board.techniques)
            answers[f"{org} dashboard sightings"] = [(s.stix_id, s.label, s.organisations) for s in board.sightings]
            for group, members in GROUPS.items():
                if org in members:
                    got = client.get(
                        f"{TAXII}/{group_collection_id(group)}/objects/", headers={**auth, **TAXII_HEADERS}
                    )
                    answers[f"{org} group {group}"] = (got.status_code, sorted(got.json().get("objects", []), key=str))
    return answers


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pubs, min_size=1, max_size=5))
def test_sealed_and_clear_hubs_give_identical_answers(scenario: list[Pub]) -> None:
    bundles = _bundles(scenario)
    sealed, clear = _answers("all", bundles), _answers("off", bundles)
    assert sealed.keys() == clear.keys()
    for key in clear:
        assert sealed[key] == clear[key], key
