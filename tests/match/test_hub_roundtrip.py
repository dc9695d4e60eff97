"""Pull indicators from a live hub, match, report sightings, see them counted under the 3-org rule."""

import json
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from lionrock.access.anonymity import ANONYMOUS_IDENTITY
from lionrock.cli.main import main
from lionrock.hub.members import org_identity_id
from lionrock.stix.tlp import Tlp
from tests.conftest import World
from tests.factories import indicator

LOG = "2026-11-22T10:00:00Z dns query a.evil-pearl.com\n2026-11-22T11:00:00Z deny 198.51.100.7\nquiet line\n"


def run(*args: str, input: str | None = None) -> Any:
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exit_code == 0, result.output + str(result.exception)
    return result


def publish(live_url: str, token: str, *objs: dict[str, Any]) -> None:
    body = {"bundle": {"type": "bundle", "id": "bundle--1", "objects": list(objs)}, "audience": {"community": True}}
    r = httpx.post(f"{live_url}/api/v1/bundles", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text


def seen(live_url: str, token: str, stix_id: str) -> dict[str, Any]:
    r = httpx.get(f"{live_url}/api/v1/objects/{stix_id}/seen", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def match(live_url: str, token: str, log: Path, cache: Path, *extra: str) -> Any:
    return run(
        "match", str(log), "--hub", live_url, "--token", token, "--cache", str(cache), "--format", "jsonl", *extra
    )


def test_pull_match_report_and_count(live_url: str, world: World, tmp_path: Path) -> None:
    domain = indicator(pattern="[domain-name:value = 'evil-pearl.com']", tlp=Tlp.GREEN)
    ip = indicator(pattern="[ipv4-addr:value = '198.51.100.7']", tlp=Tlp.AMBER)
    publish(live_url, world.tokens["bank-a"], domain, ip)
    log = tmp_path / "dns.log"
    log.write_text(LOG)

    first = match(live_url, world.tokens["bank-b"], log, tmp_path / "cache-b", "--report")
    hits = [json.loads(line) for line in first.stdout.splitlines()]
    assert sorted((h["indicator"], h["line"]) for h in hits) == sorted([(domain["id"], 1), (ip["id"], 2)])
    assert hits[0]["timestamp"].startswith("2026-11-22T1")
    assert "2 new or changed indicators" in first.stderr and "reported 2 sightings" in first.stderr

    sightings = httpx.get(
        f"{live_url}/api/v1/objects/{domain['id']}/relationships", headers=world.auth("bank-b")
    ).json()["items"]
    (mine,) = [s["object"] for s in sightings if s["object"]["type"] == "sighting"]
    assert mine["count"] == 1 and mine["where_sighted_refs"] == [org_identity_id("bank-b")]
    assert mine["first_seen"] == mine["last_seen"] == "2026-11-22T10:00:00.000000Z"

    # the producer sees the count; another bank does not while fewer than three organisations saw it
    assert seen(live_url, world.tokens["bank-a"], domain["id"])["organisations"] == 1
    hidden = seen(live_url, world.tokens["bank-c"], domain["id"])
    assert hidden["shown"] is False and "sightings" not in hidden
    # ... and the CLI's default sighting is not shown to it one by one either (three-organisation rule)
    others = httpx.get(f"{live_url}/api/v1/objects/{domain['id']}/relationships", headers=world.auth("bank-c"))
    assert [s for s in others.json()["items"] if s["object"]["type"] == "sighting"] == []

    # incremental: a second pull brings nothing new, only what was added since
    again = match(live_url, world.tokens["bank-b"], log, tmp_path / "cache-b")
    assert "0 new or changed indicators" in again.stderr and len(again.stdout.splitlines()) == 2
    extra = indicator(pattern="[ipv4-addr:value = '203.0.113.9']", tlp=Tlp.GREEN)
    publish(live_url, world.tokens["bank-a"], extra)
    assert "1 new or changed indicators" in match(live_url, world.tokens["bank-b"], log, tmp_path / "cache-b").stderr

    # two more organisations report, one of them anonymously: now everyone sees the totals
    match(live_url, world.tokens["bank-c"], log, tmp_path / "cache-c", "--report")
    anon = match(live_url, world.tokens["hkma"], log, tmp_path / "cache-h", "--report", "--anonymous")
    assert "anonymously" in anon.stderr
    for who in ("bank-c", "police", "bank-a"):
        counted = seen(live_url, world.tokens[who], domain["id"])
        assert (counted["shown"], counted["sightings"], counted["organisations"]) == (True, 3, 3)

    objs = httpx.get(  # the owner of the indicators sees each sighting of them
        f"{live_url}/api/v1/objects", params={"type": "sighting", "limit": 100}, headers=world.auth("bank-a")
    ).json()["items"]
    anonymous = [o for o in objs if o["meta"]["anonymous"]]
    assert anonymous and all("where_sighted_refs" not in o["object"] for o in anonymous)
    assert all(o["object"].get("created_by_ref") in (None, ANONYMOUS_IDENTITY) for o in anonymous)
    assert all(o["meta"]["producer"] != "hkma" for o in anonymous)


def test_hub_strips_the_submitters_identity_from_anonymous_sightings(live_url: str, world: World) -> None:
    target = indicator(tlp=Tlp.GREEN)
    publish(live_url, world.tokens["bank-a"], target)
    me = org_identity_id("bank-b")
    sighting = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": "sighting--6b1c1b4e-8a2f-4e0f-9d47-1f2b3c4d5e6f",
        "created": "2026-11-22T00:00:00.000Z",
        "modified": "2026-11-22T00:00:00.000Z",
        "sighting_of_ref": target["id"],
        "where_sighted_refs": [me],
        "created_by_ref": me,
        "object_marking_refs": [indicator(tlp=Tlp.GREEN)["object_marking_refs"][0]],
    }
    body = {"bundle": {"type": "bundle", "id": "bundle--2", "objects": [sighting]}, "anonymous": True}
    r = httpx.post(f"{live_url}/api/v1/bundles", json=body, headers=world.auth("bank-b"))
    assert r.status_code == 201, r.text
    stored = httpx.get(f"{live_url}/api/v1/objects/{sighting['id']}", headers=world.auth("bank-a")).json()["object"]
    assert "where_sighted_refs" not in stored and stored["created_by_ref"] == ANONYMOUS_IDENTITY


def test_seen_needs_a_visible_object(live_url: str, world: World) -> None:
    secret = indicator(tlp=Tlp.RED)
    body = {"bundle": {"type": "bundle", "id": "bundle--3", "objects": [secret]}, "audience": {"orgs": ["bank-b"]}}
    assert httpx.post(f"{live_url}/api/v1/bundles", json=body, headers=world.auth("bank-a")).status_code == 201
    r = httpx.get(f"{live_url}/api/v1/objects/{secret['id']}/seen", headers=world.auth("bank-c"))
    assert r.status_code == 404
