"""Regression tests for the write-path findings of the trust review (issue 8, findings 1-7), each
named after the rule it checks. They go through REST as a member would."""

from __future__ import annotations

from typing import Any

import stix2
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import event

from lionrock.access.anonymity import ANONYMOUS_IDENTITY
from lionrock.hub.collections import COMMUNITY_ID
from lionrock.hub.members import org_identity_id
from lionrock.stix.tlp import TLP2_EXTENSION, TLP2_MARKINGS, Tlp, tlp2_marking_object
from tests.conftest import World, bundle
from tests.factories import T0, indicator, malware, newer, relationship, sighting

URL = "/api/v1/bundles"
TAXII_HEADERS = {"Accept": "application/taxii+json;version=2.1"}


def post(
    client: TestClient,
    world: World,
    who: str,
    *objs: dict[str, Any],
    tlp: str | None = "amber",
    audience: dict[str, Any] | None = None,
    anonymous: bool = False,
) -> Response:
    body: dict[str, Any] = {"bundle": bundle(*objs), "audience": audience or {"community": True}}
    if tlp:
        body["tlp"] = tlp
    if anonymous:
        body["anonymous"] = True
    return client.post(URL, headers=world.auth(who), json=body)


def get(client: TestClient, world: World, who: str, oid: str) -> Response:
    return client.get(f"/api/v1/objects/{oid}", headers=world.auth(who))


def outward_ids(client: TestClient, world: World, who: str) -> set[str]:
    feed = client.get("/api/v1/feeds/outward", params={"limit": 10000}, headers=world.auth(who)).json()
    return {o["id"] for o in feed["objects"]}


# 1. Pass-on


def test_recipient_reposting_a_red_object_to_the_community_is_refused_and_widens_nothing(
    client: TestClient, world: World
) -> None:
    red = indicator(tlp=Tlp.RED)
    assert post(client, world, "bank-a", red, tlp=None, audience={"orgs": ["bank-b"]}).status_code == 201
    again = post(client, world, "bank-b", red, tlp="clear", audience={"orgs": ["bank-b", "bank-c", "hkma"]})
    assert again.status_code == 403 and "belongs to another organisation" in again.text
    for who in ("bank-c", "hkma", "police"):
        assert get(client, world, who, red["id"]).status_code == 404
    assert get(client, world, "bank-b", red["id"]).json()["meta"]["audience"]["orgs"] == ["bank-b"]


def test_recipient_reposting_amber_strict_with_a_lower_tlp_does_not_declassify(
    client: TestClient, world: World
) -> None:
    strict = indicator(tlp=Tlp.AMBER_STRICT)
    post(client, world, "bank-a", strict, tlp=None, audience={"orgs": ["bank-b"]})
    assert post(client, world, "bank-b", strict, tlp="clear").status_code == 403
    assert get(client, world, "bank-c", strict["id"]).status_code == 404
    assert strict["id"] not in outward_ids(client, world, "bank-b")


def test_posting_a_guessed_sco_makes_only_your_own_record(client: TestClient, world: World) -> None:
    ip = {"type": "ipv4-addr", "spec_version": "2.1", "id": str(stix2.IPv4Address(value="198.51.100.66").id)}
    ip["value"] = "198.51.100.66"
    mine = post(client, world, "bank-a", ip, tlp="red", audience={"orgs": ["bank-a"]})
    assert mine.status_code == 201
    guess = post(client, world, "bank-b", ip, tlp="clear")
    assert guess.status_code == 201 and guess.json()["stored"] == [ip["id"]]  # as if the hub held nothing
    seen_by_c = client.get("/api/v1/objects", params={"value": "198.51.100.66"}, headers=world.auth("bank-c"))
    items = seen_by_c.json()["items"]
    assert [(i["meta"]["producer"], i["meta"]["tlp"]) for i in items] == [("bank-b", "clear")]
    own = client.get("/api/v1/objects", params={"value": "198.51.100.66"}, headers=world.auth("bank-a")).json()
    assert ("bank-a", "red") in {(i["meta"]["producer"], i["meta"]["tlp"]) for i in own["items"]}


# 2. Forged versions


def test_only_the_owner_versions_revokes_or_reclassifies_an_object_it_shared(client: TestClient, world: World) -> None:
    ind = indicator(tlp=Tlp.AMBER)
    post(client, world, "bank-a", ind, tlp=None)
    forged = {**newer(ind, "2026-02-01T00:00:00.000Z"), "created_by_ref": org_identity_id("bank-a")}
    assert post(client, world, "bank-b", forged).status_code == 422  # another member's identity as author
    for attempt in (
        newer(ind, "2026-02-01T00:00:00.000Z"),
        {**newer(ind, "2026-02-02T00:00:00.000Z"), "revoked": True},
    ):
        assert post(client, world, "bank-b", attempt, tlp="clear").status_code == 403
    reclassified = {**newer(ind, "2026-02-03T00:00:00.000Z"), "object_marking_refs": [TLP2_MARKINGS[Tlp.CLEAR]]}
    assert post(client, world, "bank-b", reclassified, tlp=None).status_code == 403
    latest = get(client, world, "bank-c", ind["id"]).json()
    assert latest["object"] == ind and latest["meta"]["producer"] == "bank-a"
    owner_update = {**newer(ind, "2026-02-04T00:00:00.000Z"), "revoked": True}
    assert post(client, world, "bank-a", owner_update, tlp=None).status_code == 201
    assert get(client, world, "bank-c", ind["id"]).json()["object"]["revoked"] is True


def test_a_blind_forged_version_is_seen_by_its_forger_only(client: TestClient, world: World) -> None:
    ind = indicator(tlp=Tlp.AMBER)
    post(client, world, "bank-a", ind, tlp=None, audience={"groups": ["circle"]})
    forged = {**newer(ind, "2026-05-01T00:00:00.000Z"), "revoked": True}
    answer = post(client, world, "bank-c", forged, tlp="clear")
    assert answer.status_code == 201 and answer.json()["stored"] == [ind["id"]]
    assert get(client, world, "bank-b", ind["id"]).json()["object"] == ind  # the group still sees the original
    assert get(client, world, "bank-c", ind["id"]).json()["object"]["revoked"] is True  # its own record
    assert get(client, world, "police", ind["id"]).status_code == 404
    assert ind["id"] not in outward_ids(client, world, "police")


def test_tlp_marking_definitions_cannot_be_redefined(client: TestClient, world: World) -> None:
    forged = tlp2_marking_object(Tlp.CLEAR) | {"id": TLP2_MARKINGS[Tlp.RED]}
    assert post(client, world, "bank-a", forged).status_code == 422
    newer_red = {**tlp2_marking_object(Tlp.RED), "modified": "2026-01-01T00:00:00.000Z"}
    newer_red["extensions"] = {TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": "clear"}}
    assert post(client, world, "bank-a", newer_red).status_code == 422
    faithful = post(client, world, "bank-a", tlp2_marking_object(Tlp.RED))
    assert faithful.status_code == 201
    got = get(client, world, "bank-b", TLP2_MARKINGS[Tlp.RED]).json()["object"]
    assert got["extensions"][TLP2_EXTENSION]["tlp_2_0"] == "red"


def test_member_identities_are_published_by_their_member_only(client: TestClient, world: World) -> None:
    fake = {
        "type": "identity",
        "spec_version": "2.1",
        "id": org_identity_id("bank-a"),
        "created": T0,
        "modified": T0,
        "name": "bank-a (really)",
        "identity_class": "organization",
    }
    assert post(client, world, "bank-b", fake).status_code == 422
    assert post(client, world, "bank-a", fake).status_code == 201


# 3. Granular markings


def test_a_granular_red_marking_governs_the_whole_object(client: TestClient, world: World) -> None:
    ind = indicator(tlp=Tlp.CLEAR)
    ind["granular_markings"] = [{"marking_ref": TLP2_MARKINGS[Tlp.RED], "selectors": ["description"]}]
    ind["description"] = "victim: account 012-345-678901"
    assert post(client, world, "bank-a", ind, tlp=None).status_code == 422  # RED cannot go to the community
    assert post(client, world, "bank-a", ind, tlp=None, audience={"orgs": ["bank-b"]}).status_code == 201
    assert get(client, world, "bank-b", ind["id"]).json()["meta"]["tlp"] == "red"
    assert get(client, world, "bank-c", ind["id"]).status_code == 404
    assert ind["id"] not in outward_ids(client, world, "bank-a") | outward_ids(client, world, "bank-b")


def test_an_object_marked_only_by_an_unknown_marking_fails_closed(client: TestClient, world: World) -> None:
    custom = "marking-definition--3a8f9f0e-0f3c-4b2c-9a55-6c3b1b0d2e11"
    answer = post(client, world, "bank-a", {**indicator(), "object_marking_refs": [custom]}, tlp="clear")
    assert answer.status_code == 422 and "cannot map to TLP" in answer.text
    statement = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": custom,
        "created": T0,
        "definition_type": "statement",
        "definition": {"statement": "Copyright Bank A"},
    }
    ok = post(client, world, "bank-a", statement, {**indicator(), "object_marking_refs": [custom]}, tlp="green")
    assert ok.status_code == 201


# 4. Existence oracles


def _answers(client: TestClient, world: World, obj: dict[str, Any]) -> list[tuple[int, Any]]:
    out = []
    for attempt in (obj, obj, {**obj, "name": "other content, same version"}):
        r = post(client, world, "bank-c", attempt, tlp="green")
        body = r.json()
        out.append((r.status_code, {k: len(v) for k, v in body.items()} if r.status_code == 201 else r.status_code))
    return out


def test_a_blind_guess_gets_the_same_answers_for_hidden_and_absent_ids(client: TestClient, world: World) -> None:
    hidden = indicator(tlp=Tlp.AMBER)
    post(client, world, "bank-a", hidden, tlp=None, audience={"groups": ["circle"]})
    absent = indicator(tlp=Tlp.AMBER)
    assert _answers(client, world, hidden) == _answers(client, world, absent)


def test_ones_own_relationship_to_a_hidden_id_stays_visible_to_it(client: TestClient, world: World) -> None:
    hidden = malware(tlp=Tlp.AMBER)
    post(client, world, "bank-a", hidden, tlp=None, audience={"groups": ["circle"]})
    mine, absent = indicator(), malware()
    to_hidden, to_absent = relationship(mine["id"], hidden["id"]), relationship(mine["id"], absent["id"])
    post(client, world, "bank-c", mine, to_hidden, to_absent, tlp="green")
    for rel in (to_hidden, to_absent):
        assert get(client, world, "bank-c", rel["id"]).status_code == 200


# 5. Anonymity


def test_anonymity_scrubs_the_submitters_identity_from_every_reference(client: TestClient, world: World) -> None:
    me = org_identity_id("bank-b")
    ind = indicator(created_by_ref=me)
    ind["x_reported_by_ref"] = me
    ind["extensions"] = {
        "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": {
            "extension_type": "property-extension",
            "created_by_ref": me,
        }
    }
    ind["description"] = f"seen by {me}"
    rel = relationship(ind["id"], me, rtype="targets")
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": "report--0b9e6c1a-2f44-4c55-8d8e-3f2a1b0c9d88",
        "created": T0,
        "modified": T0,
        "name": "Campaign against a bank",
        "published": T0,
        "object_refs": [ind["id"], me, rel["id"]],
    }
    answer = post(client, world, "bank-b", ind, rel, report, tlp="green", anonymous=True)
    assert answer.status_code == 201, answer.text
    for oid in (ind["id"], rel["id"], report["id"]):
        shown = get(client, world, "bank-c", oid).json()
        assert me not in str(shown) and "bank-b" not in str(shown), oid
        assert shown["meta"]["producer"] == "anonymous"
    assert ANONYMOUS_IDENTITY in str(get(client, world, "bank-c", report["id"]).json()["object"]["object_refs"])


def test_an_anonymous_submission_that_names_the_organisation_is_refused(client: TestClient, world: World) -> None:
    ind = {**indicator(), "description": "phishing seen by bank-b customers"}
    answer = post(client, world, "bank-b", ind, tlp="green", anonymous=True)
    assert answer.status_code == 422 and "names your organisation" in answer.text


# 6. Sightings and the three-organisation rule


def test_sightings_are_shown_one_by_one_to_reporter_and_owner_only(client: TestClient, world: World) -> None:
    ind = indicator(tlp=Tlp.GREEN)
    post(client, world, "bank-a", ind, tlp=None)
    seen = sighting(ind["id"], tlp=Tlp.GREEN)
    post(client, world, "bank-b", seen, tlp=None)
    for who, status in (("bank-a", 200), ("bank-b", 200), ("bank-c", 404), ("hkma", 404)):
        assert get(client, world, who, seen["id"]).status_code == status, who
    rels = client.get(f"/api/v1/objects/{ind['id']}/relationships", headers=world.auth("bank-c")).json()
    assert rels["items"] == []


def test_versioning_someone_elses_indicator_does_not_unlock_sighting_counts(client: TestClient, world: World) -> None:
    ind = indicator(tlp=Tlp.GREEN)
    post(client, world, "bank-a", ind, tlp=None)
    post(client, world, "bank-b", sighting(ind["id"], tlp=Tlp.GREEN), tlp=None)
    private = newer(ind, "2026-06-01T00:00:00.000Z")
    assert post(client, world, "bank-c", private, tlp="red", audience={"orgs": ["bank-c"]}).status_code == 403
    counts = client.get(f"/api/v1/objects/{ind['id']}/seen", headers=world.auth("bank-c")).json()
    assert counts["shown"] is False
    assert client.get(f"/api/v1/objects/{ind['id']}/seen", headers=world.auth("bank-a")).json()["shown"] is True


def test_a_blind_shadow_of_an_indicator_does_not_unlock_sighting_counts(client: TestClient, world: World) -> None:
    ind = indicator(tlp=Tlp.AMBER)
    post(client, world, "bank-a", ind, tlp=None, audience={"groups": ["circle"]})
    post(client, world, "bank-b", sighting(ind["id"], tlp=Tlp.AMBER), tlp=None, audience={"groups": ["circle"]})
    assert post(client, world, "police", ind, tlp="red", audience={"orgs": ["police"]}).status_code == 201
    counts = client.get(f"/api/v1/objects/{ind['id']}/seen", headers=world.auth("police")).json()
    assert counts["shown"] is False and "sightings" not in counts


# 7. Versions are instants


def test_versions_are_compared_as_instants_not_strings(client: TestClient, world: World) -> None:
    v1 = newer(indicator(tlp=Tlp.GREEN), "2026-04-01T00:00:00Z")
    v2 = {**newer(v1, "2026-04-01T00:00:00.5Z"), "name": "later"}
    post(client, world, "bank-a", v2, v1, tlp=None)
    assert get(client, world, "bank-b", v1["id"]).json()["object"]["name"] == "later"
    versions = client.get(
        f"/taxii2/api/collections/{COMMUNITY_ID}/objects/{v1['id']}/versions/",
        headers={**world.auth("bank-b"), **TAXII_HEADERS},
    ).json()["versions"]
    assert versions == ["2026-04-01T00:00:00.000Z", "2026-04-01T00:00:00.500Z"]


def test_one_instant_written_two_ways_is_one_version(client: TestClient, world: World) -> None:
    v1 = newer(indicator(tlp=Tlp.GREEN), "2026-04-01T00:00:00Z")
    post(client, world, "bank-a", v1, tlp=None)
    same_instant = {**v1, "modified": "2026-04-01T00:00:00.000Z"}
    assert post(client, world, "bank-a", same_instant, tlp=None).status_code == 422
    every = client.get(f"/api/v1/objects/{v1['id']}", params={"versions": "all"}, headers=world.auth("bank-b"))
    assert len(every.json()["items"]) == 1


# 11 (part). Audiences


def test_members_publish_only_into_their_own_sharing_groups(client: TestClient, world: World) -> None:
    answer = post(client, world, "bank-c", indicator(), audience={"groups": ["circle"]})
    assert answer.status_code == 403
    assert client.get("/api/v1/objects", headers=world.auth("bank-a")).json()["items"] == []


# 13 (part). One transaction per publish


def test_a_rest_publish_is_one_write_transaction(client: TestClient, world: World) -> None:
    engine = world.hub.engine
    began: list[bool] = []

    def on_begin(conn: Any) -> None:
        began.append(bool(conn.get_execution_options().get("lionrock_write")))

    event.listen(engine, "begin", on_begin)
    try:
        assert post(client, world, "bank-a", indicator(), audience={"groups": ["circle"]}).status_code == 201
    finally:
        event.remove(engine, "begin", on_begin)
    assert began.count(True) == 1, began  # the publish; authentication only reads
    assert len(began) <= 2, began
