"""Property, writer side: random sequences of publish, re-post, new version, revoke and delete by
producers, recipients and blind guessers. After each step every organisation's REST view equals a
simple model of the policy; at the end every read path does. Each write's answer is predicted from
the caller's own view only, so no answer can differ for hidden and absent ids."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import stix2
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lionrock.access.anonymity import anonymise
from lionrock.access.markings import governing_tlp
from lionrock.access.model import Audience, OrgKind, Principal, Release, Role
from lionrock.access.policy import outward_visibility_for, released_to, visibility_for
from lionrock.app import create_app
from lionrock.hub.collections import COMMUNITY_ID
from lionrock.hub.members import org_identity_id
from lionrock.stix.tlp import TLP2_MARKINGS, Tlp
from tests.conftest import ORGS, World, build_world
from tests.factories import indicator, malware, relationship, sighting
from tests.test_policy_properties import fresh_hub

ORG_NAMES = sorted(ORGS)
PUBLISHERS = [n for n in ORG_NAMES if n != "ops"]
GROUPS = {"circle": {"bank-a", "bank-b"}, "le": {"police", "hkma"}}
TAXII = f"/taxii2/api/collections/{COMMUNITY_ID}"
TAXII_HEADERS = {"Accept": "application/taxii+json;version=2.1"}
IPS = [str(stix2.IPv4Address(value=f"198.51.100.{n}").id) for n in range(3)]
SCO_VALUE = {IPS[n]: f"198.51.100.{n}" for n in range(3)}
_clock = itertools.count(1)


@dataclass(frozen=True)
class Step:
    op: str  # new | repost | version | revoke | delete
    org: str
    tlp: Tlp
    audience: dict[str, Any]
    anonymous: bool
    kinds: tuple[str, ...]
    pick: int
    marked: bool


@dataclass
class Rec:
    obj: dict[str, Any]
    producer: str
    tlp: Tlp
    audience: dict[str, Any]
    anonymous: bool
    owner_record: bool


@dataclass
class Model:
    world: World
    records: dict[tuple[str, str, str], Rec] = field(default_factory=dict)  # (id, version, producer)
    owners: dict[str, str] = field(default_factory=dict)

    def groups_of(self, org: str) -> frozenset[int]:
        return frozenset(self.world.group_ids[g] for g, m in GROUPS.items() if org in m)

    def principal(self, org: str) -> Principal:
        return Principal(self.world.org_ids[org], org, OrgKind.BANK, Role.ANALYST, self.groups_of(org))

    def release(self, r: Rec) -> Release:
        spec = r.audience
        aud = Audience(
            bool(spec.get("community")),
            frozenset(self.world.group_ids[g] for g in spec.get("groups", [])),
            frozenset(self.world.org_ids[o] for o in spec.get("orgs", [])),
        )
        is_sighting = r.obj["type"] == "sighting"
        owner = self.owners.get(r.obj.get("sighting_of_ref", "")) if is_sighting else None
        return Release(
            self.world.org_ids[r.producer],
            r.tlp,
            aud,
            r.anonymous,
            r.owner_record,
            is_sighting,
            self.world.org_ids[owner] if owner else None,
        )

    def visible(self, org: str, outward: bool = False) -> list[Rec]:
        p = self.principal(org)
        vis = outward_visibility_for(p) if outward else visibility_for(p)
        released = [r for r in self.records.values() if released_to(vis, self.release(r))]
        held = {k[0] for k in self.records}
        shown_ids = {r.obj["id"] for r in released}

        def refs_ok(r: Rec) -> bool:
            if r.producer == org or r.obj["type"] not in ("relationship", "sighting"):
                return True
            refs = [r.obj[k] for k in ("source_ref", "target_ref", "sighting_of_ref") if k in r.obj]
            return all(ref in shown_ids or ref not in held for ref in refs)

        return [r for r in released if refs_ok(r)]

    def latest(self, recs: list[Rec]) -> list[Rec]:
        best: dict[tuple[str, str], Rec] = {}
        for r in recs:
            key = (r.obj["id"], r.producer)
            if key not in best or _version(r.obj) > _version(best[key].obj):
                best[key] = r
        return list(best.values())


def _version(obj: dict[str, Any]) -> str:
    return str(obj.get("modified", ""))


def _canon(obj: dict[str, Any]) -> str:
    return json.dumps(obj, sort_keys=True)


def _stamp() -> str:
    n = next(_clock)
    return f"2026-03-{1 + n // 86400 % 28:02d}T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z"


def _fresh(model: Model, step: Step) -> list[dict[str, Any]]:
    author = org_identity_id(step.org)
    made: list[dict[str, Any]] = []
    pool = sorted({k[0] for k in model.records if not k[0].startswith(("relationship", "sighting"))})
    sightable = [i for i in pool if not i.startswith("ipv4-addr")]
    for n, kind in enumerate(step.kinds):
        if kind == "indicator":
            made.append(indicator(f"198.51.100.{(step.pick + n) % 250}", created_by_ref=author))
        elif kind == "malware":
            made.append({**malware(), "created_by_ref": author})
        elif kind == "ip":
            ip = IPS[(step.pick + n) % len(IPS)]
            made.append({"type": "ipv4-addr", "spec_version": "2.1", "id": ip, "value": SCO_VALUE[ip]})
        elif kind == "relationship" and pool:
            made.append(relationship(pool[(step.pick + n) % len(pool)], pool[(step.pick * 7 + n) % len(pool)]))
        elif kind == "sighting" and sightable:
            made.append(sighting(sightable[(step.pick + n) % len(sightable)]))
    if step.marked:
        made = [{**o, "object_marking_refs": [TLP2_MARKINGS[Tlp.AMBER]]} for o in made]
    return made


def _target(model: Model, step: Step) -> Rec | None:
    """Any record, visible to the caller or not: a leaked id, or a guessed deterministic one."""
    recs = sorted(model.records.values(), key=lambda r: (r.obj["id"], _version(r.obj), r.producer))
    return recs[step.pick % len(recs)] if recs else None


def _submission(model: Model, step: Step) -> list[dict[str, Any]]:
    if step.op == "new":
        return _fresh(model, step)
    target = _target(model, step)
    if target is None:
        return []
    obj = dict(target.obj)
    if step.op == "repost":
        return [obj]
    if "modified" not in obj:  # an SCO has no versions: re-assert it
        return [obj]
    obj["modified"] = _stamp()
    if step.op == "revoke":
        obj["revoked"] = True
    return [obj]


def _predict(model: Model, step: Step, objs: list[dict[str, Any]]) -> tuple[int, dict[str, list[str]], list[Rec]]:
    """The answer and the records a publish should make, from the caller's own view only."""
    org = step.org
    groups = set(step.audience.get("groups", []))
    if any(org not in GROUPS[g] for g in groups):
        return 403, {}, []
    if step.anonymous:
        scrubbed = anonymise(list(enumerate(objs)), org_identity_id(org), org)
        objs = [o for _, o in scrubbed.objects]
    others = {org_identity_id(o) for o in ORG_NAMES if o != org}
    for o in objs:
        tlp = governing_tlp(o, step.tlp, set())
        if o.get("created_by_ref") in others or (tlp is Tlp.RED and "orgs" not in step.audience):
            return 422, {}, []
    visible_ids = {(r.obj["id"], r.producer) for r in model.visible(org)}
    for o in objs:
        owner = model.owners.get(o["id"])
        if o["type"] != "ipv4-addr" and owner not in (None, org) and (o["id"], owner) in visible_ids:
            return 403, {}, []
    stored: list[str] = []
    unchanged: list[str] = []
    new: list[Rec] = []
    for o in objs:
        tlp = governing_tlp(o, step.tlp, set())
        assert isinstance(tlp, Tlp)
        oid = o["id"]
        mine = model.records.get((oid, _version(o), org))
        if mine is not None:
            if _canon(mine.obj) != _canon(o):
                return 422, {}, []
            unchanged.append(oid)
            continue
        stored.append(oid)
        owner_record = o["type"] == "ipv4-addr" or model.owners.get(oid) in (None, org)
        new.append(Rec(o, org, tlp, step.audience, step.anonymous, owner_record))
    return 201, {"stored": stored, "unchanged": unchanged}, new


def _apply(model: Model, step: Step, new: list[Rec], unchanged: list[str], objs: list[dict[str, Any]]) -> None:
    for r in new:
        model.records[(r.obj["id"], _version(r.obj), r.producer)] = r
        if r.obj["type"] != "ipv4-addr":
            model.owners.setdefault(r.obj["id"], r.producer)
    for o in objs:  # the producer widens its own identical version
        mine = model.records.get((o["id"], _version(o), step.org))
        if o["id"] in unchanged and mine is not None and mine.tlp is not Tlp.CLEAR:
            mine.audience = _union(mine.audience, step.audience)


def _union(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {
        "community": bool(a.get("community") or b.get("community")),
        "groups": sorted(set(a.get("groups", [])) | set(b.get("groups", []))),
        "orgs": sorted(set(a.get("orgs", [])) | set(b.get("orgs", []))),
    }


def _delete(client: TestClient, model: Model, step: Step) -> None:
    target = _target(model, step)
    if target is None:
        return
    oid = target.obj["id"]
    seen = any(r.obj["id"] == oid for r in model.visible(step.org))
    own = [k for k in model.records if k[0] == oid and k[2] == step.org]
    got = client.delete(f"{TAXII}/objects/{oid}/", headers={**model.world.auth(step.org), **TAXII_HEADERS})
    expected = 404 if not seen else (200 if own else 403)
    assert got.status_code == expected, (step, got.text)
    for k in own:
        del model.records[k]


def _rest_view(client: TestClient, model: Model, org: str) -> Counter[str]:
    got = client.get("/api/v1/objects", params={"limit": 10000, "versions": "all"}, headers=model.world.auth(org))
    return Counter(_canon(i["object"]) for i in got.json()["items"])


def _check_views(client: TestClient, model: Model) -> None:
    for org in ORG_NAMES:
        expected = Counter(_canon(r.obj) for r in model.visible(org))
        assert _rest_view(client, model, org) == expected, org


def _check_every_path(client: TestClient, model: Model) -> None:
    for org in ORG_NAMES:
        auth = {**model.world.auth(org), **TAXII_HEADERS}
        latest = Counter(_canon(r.obj) for r in model.latest(model.visible(org)))
        rest = client.get("/api/v1/objects", params={"limit": 10000}, headers=model.world.auth(org)).json()
        assert Counter(_canon(i["object"]) for i in rest["items"]) == latest, org
        for item in rest["items"]:
            if item["meta"]["anonymous"] and item["meta"]["producer"] != "anonymous":
                assert item["meta"]["producer"] == org
        taxii = client.get(f"{TAXII}/objects/", headers=auth).json()
        assert Counter(_canon(o) for o in taxii.get("objects", [])) == latest, org
        outward = client.get("/api/v1/feeds/outward", params={"limit": 10000}, headers=model.world.auth(org)).json()
        expected_out = Counter(_canon(r.obj) for r in model.latest(model.visible(org, outward=True)))
        assert Counter(_canon(o) for o in outward["objects"]) == expected_out, org
        ids = {k[0] for k in model.records}
        seen_ids = {r.obj["id"] for r in model.visible(org)}
        for oid in ids:
            single = client.get(f"/api/v1/objects/{oid}", headers=model.world.auth(org))
            assert single.status_code == (200 if oid in seen_ids else 404), (org, oid)
            versions = client.get(f"{TAXII}/objects/{oid}/versions/", headers=auth)
            assert versions.status_code == single.status_code, (org, oid)


audiences = st.one_of(
    st.just({"community": True}),
    st.lists(st.sampled_from(sorted(GROUPS)), min_size=1, max_size=2, unique=True).map(lambda g: {"groups": g}),
    st.lists(st.sampled_from(ORG_NAMES), min_size=1, max_size=3, unique=True).map(lambda o: {"orgs": o}),
)
steps = st.builds(
    Step,
    st.sampled_from(["new", "new", "repost", "version", "revoke", "delete"]),
    st.sampled_from(PUBLISHERS),
    st.sampled_from(list(Tlp)),
    audiences,
    st.booleans(),
    st.lists(st.sampled_from(["indicator", "malware", "ip", "relationship", "sighting"]), min_size=1, max_size=3).map(
        tuple
    ),
    st.integers(0, 1000),
    st.booleans(),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=2, max_size=9))
def test_writes_never_bend_the_policy_and_answers_never_reveal_hidden_objects(scenario: list[Step]) -> None:
    with fresh_hub() as hub, TestClient(create_app(hub.settings, hub)) as client:
        model = Model(build_world(hub))
        for step in scenario:
            if step.op == "delete":
                _delete(client, model, step)
                _check_views(client, model)
                continue
            objs = _submission(model, step)
            if not objs:
                continue
            status, body, new = _predict(model, step, objs)
            response = client.post(
                "/api/v1/bundles",
                headers=model.world.auth(step.org),
                json={
                    "bundle": {"type": "bundle", "id": "bundle--3d8f2a1e-5b8c-4c2a-9f1e-0a1b2c3d4e5f", "objects": objs},
                    "tlp": step.tlp.value,
                    "audience": step.audience,
                    "anonymous": step.anonymous,
                },
            )
            assert response.status_code == status, (step, response.text)
            if status == 201:
                got = response.json()
                assert (got["stored"], got["unchanged"]) == (body["stored"], body["unchanged"]), step
                _apply(model, step, new, body["unchanged"], objs)
            _check_views(client, model)
        _check_every_path(client, model)
