"""Property: for random publications (random org, TLP, audience, anonymity; objects that reference
each other), every read path shows each organisation exactly what the policy allows, and never the
producer of someone else's anonymous submission."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lionrock.access.model import Audience, OrgKind, Principal, Release, Role
from lionrock.access.policy import can_see, outward_visibility_for, visibility_for
from lionrock.app import create_app
from lionrock.hub import Hub
from lionrock.hub import users as hub_users
from lionrock.hub.collections import COMMUNITY_ID, group_collection_id
from lionrock.hub.members import org_identity_id
from lionrock.hub.users import add_user
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from tests.conftest import ORGS, PG_URL, World, _reset_postgres, build_world
from tests.factories import indicator, malware, relationship, sighting
from tests.web.helpers import sign_in

ORG_NAMES = sorted(ORGS)
GROUPS = {"circle": {"bank-a", "bank-b"}, "le": {"police", "hkma"}}
TAXII = "/taxii2/api/collections"
TAXII_HEADERS = {"Accept": "application/taxii+json;version=2.1"}


@dataclass(frozen=True)
class Pub:
    org: str
    tlp: Tlp
    audience: dict[str, Any]
    anonymous: bool
    kinds: tuple[str, ...]
    picks: tuple[int, ...]


audiences = st.one_of(
    st.just({"community": True}),
    st.lists(st.sampled_from(sorted(GROUPS)), min_size=1, max_size=2, unique=True).map(lambda g: {"groups": g}),
    st.lists(st.sampled_from(ORG_NAMES), min_size=1, max_size=3, unique=True).map(lambda o: {"orgs": o}),
)
PUBLISHERS = [n for n in ORG_NAMES if n != "ops"]
pubs = st.builds(
    Pub,
    st.sampled_from(PUBLISHERS),
    st.sampled_from(list(Tlp)),
    audiences,
    st.booleans(),
    st.lists(st.sampled_from(["indicator", "malware", "relationship", "sighting"]), min_size=1, max_size=3).map(tuple),
    st.lists(st.integers(0, 1000), min_size=6, max_size=6).map(tuple),
)


SEAL_MODES = ("all", "off")
"""The policy holds whether object versions are stored sealed or in clear (docs/keys.md "Object bodies")."""


@contextmanager
def fresh_hub(seal: str = "all") -> Iterator[Hub]:
    with tempfile.TemporaryDirectory() as tmp:
        url = PG_URL or f"sqlite:///{Path(tmp) / 'p.db'}"
        if PG_URL:
            _reset_postgres(PG_URL)
        keys = Path(tmp) / "keys"
        hub = Hub.open(
            Settings(
                database_url=url,
                seal_objects=seal,
                audit_key_file=str(keys / "audit-key"),
                key_file=str(keys / "hub.keys"),
            )
        )
        try:
            yield hub
        finally:
            hub.close()


def _objects(pub: Pub, held: list[str]) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []
    author = org_identity_id(pub.org)
    for n, kind in enumerate(pub.kinds):
        pool = held + [o["id"] for o in made]
        if kind == "indicator":
            made.append(indicator(f"198.51.100.{pub.picks[n] % 250}", created_by_ref=author))
        elif kind == "malware":
            made.append({**malware(), "created_by_ref": author})
        elif kind == "relationship" and len(pool) >= 2:
            made.append(relationship(pool[pub.picks[n] % len(pool)], pool[pub.picks[n + 3] % len(pool)]))
        elif kind == "sighting" and pool:
            targets = [p for p in pool if not p.startswith(("relationship", "sighting"))]
            if targets:
                made.append(sighting(targets[pub.picks[n] % len(targets)]))
    return made


def _audience(world: World, spec: dict[str, Any]) -> Audience:
    return Audience(
        bool(spec.get("community")),
        frozenset(world.group_ids[g] for g in spec.get("groups", [])),
        frozenset(world.org_ids[o] for o in spec.get("orgs", [])),
    )


def _expected(
    world: World, model: dict[str, tuple[Release, dict[str, Any]]], org: str, outward: bool = False
) -> set[str]:
    groups = frozenset(world.group_ids[g] for g, m in GROUPS.items() if org in m)
    who = Principal(world.org_ids[org], org, OrgKind.BANK, Role.ANALYST, groups)
    vis = outward_visibility_for(who) if outward else visibility_for(who)
    released = {oid for oid, (rel, obj) in model.items() if can_see(vis, _with_sighting(rel, obj, model))}
    shown = set()
    for oid in released:
        obj = model[oid][1]
        refs = [obj[k] for k in ("source_ref", "target_ref", "sighting_of_ref") if k in obj]
        own = model[oid][0].producer_org_id == world.org_ids[org]  # one's own: whatever it references
        if own or all(r in released or r not in model for r in refs):
            shown.add(oid)
    return shown


def _with_sighting(rel: Release, obj: dict[str, Any], model: dict[str, tuple[Release, dict[str, Any]]]) -> Release:
    """Sightings are seen one by one by their reporter and the owner of what was sighted only."""
    if obj["type"] != "sighting":
        return rel
    target = model.get(obj["sighting_of_ref"])
    return replace(rel, sighting=True, sighted_owner_org_id=target[0].producer_org_id if target else None)


def _check_anonymity(
    item: dict[str, Any], org: str, model: dict[str, tuple[Release, dict[str, Any]]], world: World
) -> None:
    release = model[item["object"]["id"]][0]
    producer = next(n for n, i in world.org_ids.items() if i == release.producer_org_id)
    if release.anonymous and producer != org:
        text = json.dumps(item)
        assert item["meta"]["producer"] == "anonymous"
        assert org_identity_id(producer) not in text
        assert producer not in item["meta"]["audience"]["orgs"]


def _publish(client: TestClient, world: World, scenario: list[Pub]) -> dict[str, tuple[Release, dict[str, Any]]]:
    """Publish each generated publication over REST; the model of what was stored and how."""
    model: dict[str, tuple[Release, dict[str, Any]]] = {}
    for pub in scenario:
        objs = _objects(pub, list(model))
        if not objs:
            continue
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
        if any(pub.org not in GROUPS[g] for g in pub.audience.get("groups", [])):
            assert response.status_code == 403, response.text  # only your own groups
            continue
        if pub.tlp is Tlp.RED and "orgs" not in pub.audience:
            assert response.status_code == 422, response.text
            continue
        assert response.status_code == 201, response.text
        release = Release(world.org_ids[pub.org], pub.tlp, _audience(world, pub.audience), pub.anonymous)
        for obj in objs:
            model[obj["id"]] = (release, obj)
    return model


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@pytest.mark.parametrize("seal", SEAL_MODES)
@given(scenario=st.lists(pubs, min_size=1, max_size=6))
def test_every_read_path_obeys_the_policy(seal: str, scenario: list[Pub]) -> None:
    with fresh_hub(seal) as hub, TestClient(create_app(hub.settings, hub)) as client:
        world = build_world(hub)
        model = _publish(client, world, scenario)
        for org in ORG_NAMES:
            expected = _expected(world, model, org)
            auth = world.auth(org)
            rest = client.get("/api/v1/objects", params={"limit": 10000, "versions": "all"}, headers=auth).json()
            assert {i["object"]["id"] for i in rest["items"]} == expected, org
            for item in rest["items"]:
                _check_anonymity(item, org, model, world)
            taxii = client.get(
                f"{TAXII}/{COMMUNITY_ID}/objects/", headers={**auth, **TAXII_HEADERS}, params={"match[version]": "all"}
            ).json()
            assert {o["id"] for o in taxii.get("objects", [])} == expected, org
            manifest = client.get(f"{TAXII}/{COMMUNITY_ID}/manifest/", headers={**auth, **TAXII_HEADERS}).json()
            assert {o["id"] for o in manifest.get("objects", [])} == expected, org
            outward = client.get("/api/v1/feeds/outward", params={"limit": 10000}, headers=auth).json()
            assert {o["id"] for o in outward["objects"]} == _expected(world, model, org, outward=True), org
            assert all(model[o["id"]][0].tlp.leaves_hub for o in outward["objects"])
            for group, group_members in GROUPS.items():
                url = f"{TAXII}/{group_collection_id(group)}/objects/"
                got = client.get(url, headers={**auth, **TAXII_HEADERS})
                if org not in group_members:
                    assert got.status_code == 404
                    continue
                in_group = {oid for oid in expected if world.group_ids[group] in model[oid][0].audience.group_ids}
                assert {o["id"] for o in got.json().get("objects", [])} == in_group
            for oid in model:
                single = client.get(f"/api/v1/objects/{oid}", headers=auth)
                assert single.status_code == (200 if oid in expected else 404), (org, oid)
                via_taxii = client.get(
                    f"{TAXII}/{COMMUNITY_ID}/objects/{oid}/versions/", headers={**auth, **TAXII_HEADERS}
                )
                assert via_taxii.status_code == single.status_code, (org, oid)
                if single.status_code == 200:
                    _check_anonymity(single.json(), org, model, world)
                    rels = client.get(f"/api/v1/objects/{oid}/relationships", headers=auth).json()["items"]
                    assert {r["object"]["id"] for r in rels} <= expected
            for value in {o["pattern"][19:-2] for _, o in model.values() if o["type"] == "indicator"}:
                found = client.get("/api/v1/objects", params={"value": value}, headers=auth).json()["items"]
                assert {i["object"]["id"] for i in found} <= expected


_OBJECT_LINK = re.compile(r'href="/web/objects/([^"/]+)"')
_GRAPH_NODE = re.compile(r'data-stix-id="([^"]+)"')


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@pytest.mark.parametrize("seal", SEAL_MODES)
@given(scenario=st.lists(pubs, min_size=1, max_size=6))
def test_web_search_and_object_pages_obey_the_policy(seal: str, scenario: list[Pub]) -> None:
    """A signed-in user of each organisation: /web/search lists exactly what the policy lets the
    organisation see, and /web/objects/{id} answers 200 for exactly those ids, and the same 404
    page for every other one (hidden or absent alike)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # argon2's cost is not under test here
    with (
        fresh_hub(seal) as hub,
        TestClient(create_app(hub.settings, hub)) as client,
        mock.patch.object(hub_users, "HASHER", cheap),
    ):
        world = build_world(hub)
        model = _publish(client, world, scenario)
        absent = "indicator--00000000-0000-4000-8000-000000000000"
        for org in ORG_NAMES:
            role = Role.OPERATOR if org == "ops" else Role.READER
            password = add_user(hub, org, f"web-{org}", role).password
            client.cookies.clear()
            assert sign_in(client, f"web-{org}", password).status_code == 303
            expected = _expected(world, model, org)
            listed = client.get("/web/search", params={"limit": 200})
            assert listed.status_code == 200
            assert set(_OBJECT_LINK.findall(listed.text)) == expected, org
            not_found = client.get(f"/web/objects/{absent}")
            assert not_found.status_code == 404
            for oid in model:
                page = client.get(f"/web/objects/{oid}")
                assert page.status_code == (200 if oid in expected else 404), (org, oid)
                if page.status_code == 404:
                    assert page.text == not_found.text
                    continue
                release = model[oid][0]
                if release.anonymous and release.producer_org_id != world.org_ids[org]:
                    producer = page.text.split("<dt>Producer</dt><dd>", 1)[1].split("</dd>", 1)[0]
                    assert "anonymous" in producer and "producer anonymous" in producer, (org, oid)
                nodes = set(_GRAPH_NODE.findall(page.text))
                assert nodes <= expected | {oid}, (org, oid)  # graph nodes: visible objects only
