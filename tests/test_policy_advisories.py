"""Property: for random advisories (publisher, TLP, audience) and random answers, every organisation
sees exactly the advisories the policy addresses to it, over REST and in the web list; an answer is
seen by the organisation that gave it and by the publisher, never by another member."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lionrock.access.model import Release, Role
from lionrock.access.policy import can_see, visibility_for
from lionrock.app import create_app
from lionrock.hub.users import add_user
from lionrock.stix.tlp import Tlp
from tests.conftest import World, build_world
from tests.test_policy_properties import GROUPS, ORG_NAMES, _audience, audiences, fresh_hub
from tests.web.helpers import csrf_of, sign_in

ADVISORY_PUBLISHERS = ["hkma", "police"]
EXPOSURES = ["not-affected", "investigating", "affected", "remediated"]
_LINK = re.compile(r'href="/web/advisories/(report--[0-9a-f-]+)"')


@dataclass(frozen=True)
class Adv:
    org: str
    tlp: Tlp
    audience: dict[str, Any]


@dataclass(frozen=True)
class Ans:
    advisory: int
    org: str
    exposure: str


advisories = st.builds(Adv, st.sampled_from(ADVISORY_PUBLISHERS), st.sampled_from(list(Tlp)), audiences)
answers = st.builds(Ans, st.integers(0, 5), st.sampled_from(ORG_NAMES), st.sampled_from(EXPOSURES))


def _web_clients(app: Any, world: World) -> dict[str, TestClient]:
    clients = {}
    for org in ORG_NAMES:
        role = Role.OPERATOR if org == "ops" else Role.ANALYST
        password = add_user(world.hub, org, f"u-{org}", role).password
        client = TestClient(app)
        assert sign_in(client, f"u-{org}", password).status_code == 303
        clients[org] = client
    return clients


def _note(org: str, n: int) -> str:
    return f"zq{org}x{n}q"


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(advisories, min_size=1, max_size=4), st.lists(answers, max_size=10))
def test_advisories_and_answers_reach_exactly_whom_they_may(scenario: list[Adv], replies: list[Ans]) -> None:
    with fresh_hub() as hub, TestClient(create_app(hub.settings, hub)) as client:
        world = build_world(hub)
        web = _web_clients(client.app, world)
        published: list[tuple[str, Adv]] = []
        for n, adv in enumerate(scenario):
            response = client.post(
                "/api/v1/advisories",
                headers=world.auth(adv.org),
                json={
                    "title": f"advisory {n}",
                    "summary": "s",
                    "severity": "high",
                    "actions": [{"name": "Patch"}],
                    "tlp": adv.tlp.value,
                    "audience": adv.audience,
                },
            )
            if any(adv.org not in GROUPS[g] for g in adv.audience.get("groups", [])):
                assert response.status_code == 403, response.text
                continue
            if adv.tlp is Tlp.RED and "orgs" not in adv.audience:
                assert response.status_code == 422, response.text
                continue
            assert response.status_code == 201, response.text
            published.append((response.json()["id"], adv))

        def sees(org: str, adv: Adv) -> bool:
            release = Release(world.org_ids[adv.org], adv.tlp, _audience(world, adv.audience))
            return can_see(visibility_for(world.principals[org]), release)

        # every org sees exactly the advisories addressed to it, over REST and on the web
        for org in ORG_NAMES:
            expected = {aid for aid, adv in published if sees(org, adv)}
            listed = client.get("/api/v1/advisories", headers=world.auth(org)).json()["items"]
            assert {i["id"] for i in listed} == expected, org
            assert set(_LINK.findall(web[org].get("/web/advisories").text)) == expected, org
            for aid, _ in published:
                single = client.get(f"/api/v1/advisories/{aid}", headers=world.auth(org))
                assert single.status_code == (200 if aid in expected else 404), (org, aid)
                assert web[org].get(f"/web/advisories/{aid}").status_code == single.status_code

        # answers: recipients that may see it answer; the publisher and the operator may not
        given_notes: dict[tuple[str, str], str] = {}
        for n, reply in enumerate(replies):
            if not published:
                break
            aid, adv = published[reply.advisory % len(published)]
            note = _note(reply.org, n)
            sent = client.put(
                f"/api/v1/advisories/{aid}/response",
                headers=world.auth(reply.org),
                json={"exposure": reply.exposure, "note": note},
            )
            if not sees(reply.org, adv):
                assert sent.status_code == 404, sent.text
            elif reply.org == adv.org or reply.org == "ops":
                assert sent.status_code == 403, sent.text
            else:
                assert sent.status_code == 200, sent.text
                given_notes[(aid, reply.org)] = note

        every_note = {_note(r.org, n) for n, r in enumerate(replies)}
        for aid, adv in published:
            for org in ORG_NAMES:
                if not sees(org, adv):
                    continue
                own = given_notes.get((aid, org))
                got = client.get(f"/api/v1/advisories/{aid}", headers=world.auth(org)).json()
                assert (got["response"] or {}).get("note") == own, (org, aid)
                table = client.get(f"/api/v1/advisories/{aid}/responses", headers=world.auth(org))
                page = web[org].get(f"/web/advisories/{aid}").text
                listing = web[org].get("/web/advisories").text
                if org == adv.org:
                    assert table.status_code == 200
                    shown = {(aid, r["org"]): r["note"] for r in table.json()["responses"] if r["note"]}
                    assert shown == {k: v for k, v in given_notes.items() if k[0] == aid}
                    allowed = {v for k, v in given_notes.items() if k[0] == aid}
                else:
                    assert table.status_code == 403
                    allowed = {own} if own else set()
                assert {note for note in every_note if note in page} == allowed, (org, aid)
                assert not any(note in listing for note in every_note)
        # a response form needs the CSRF token of the session that sends it
        for aid, adv in published:
            recipients = [o for o in ORG_NAMES if sees(o, adv) and o not in (adv.org, "ops")]
            if recipients:
                org = recipients[0]
                other = next(o for o in ORG_NAMES if o != org)
                forged = web[org].post(
                    f"/web/advisories/{aid}/response",
                    data={"csrf": csrf_of(web[other].get("/web/")), "exposure": "affected", "note": "forged"},
                )
                assert forged.status_code == 403
