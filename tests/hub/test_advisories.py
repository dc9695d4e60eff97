"""Advisories through the hub's use cases: the issue's scenario, who sees which answers, closing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lionrock.access.model import AudienceNames, OrgKind, Principal, Role
from lionrock.errors import Conflict, Forbidden, Invalid, NotFound
from lionrock.hub import Hub, demo
from lionrock.hub import advisories as adv
from lionrock.hub.demo import load_demo
from lionrock.hub.members import add_org, authenticate, create_token
from lionrock.stix.ids import timestamp_to_us
from lionrock.store import audit, members
from lionrock.store.engine import read_transaction
from tests.conftest import World
from tests.factories import indicator

DEADLINE = "2026-10-01T00:00:00Z"
BEFORE = timestamp_to_us("2026-09-30T00:00:00Z") or 0
AFTER = timestamp_to_us("2026-10-02T00:00:00Z") or 0


def _bank(world: World, name: str) -> Principal:
    add_org(world.hub, name, OrgKind.BANK)
    return authenticate(world.hub, create_token(world.hub, name, Role.ANALYST).secret)


def _publish(world: World, title: str = "SMS phishing wave", **extra: object) -> str:
    req = adv.AdvisoryRequest(
        title=title,
        summary="Review SMS sender registration.",
        severity="high",
        audience=AudienceNames(orgs=("bank-a", "bank-b", "bank-d")),
        deadline=DEADLINE,
        affected=("cpe:2.3:a:example:mobile_banking:*:*:*:*:*:*:*:*",),
        actions=(adv.Action("Alert customers", "Warn about SMS links."),),
        objects=[indicator("203.0.113.9")],
        **extra,  # type: ignore[arg-type]
    )
    return adv.publish_advisory(world.hub, world.principals["hkma"], req)


@pytest.fixture
def scenario(world: World) -> tuple[World, str, Principal]:
    bank_d = _bank(world, "bank-d")
    world.hub.clock = lambda: BEFORE
    advisory_id = _publish(world)
    return world, advisory_id, bank_d


def test_regulator_sees_every_answer_the_overdue_and_totals(scenario: tuple[World, str, Principal]) -> None:
    world, advisory_id, _ = scenario
    adv.respond(world.hub, world.principals["bank-a"], advisory_id, adv.ResponseRequest("affected", "patching"))
    adv.respond(world.hub, world.principals["bank-b"], advisory_id, adv.ResponseRequest("not-affected"))
    world.hub.clock = lambda: AFTER
    table = adv.responses(world.hub, world.principals["hkma"], advisory_id)
    assert table["acknowledged"] == ["bank-a", "bank-b"]
    assert table["overdue"] == ["bank-d"]
    assert table["totals"]["affected"] == 1 and table["totals"]["not-affected"] == 1
    notes = {r["org"]: r["note"] for r in table["responses"]}
    assert notes == {"bank-a": "patching", "bank-b": None, "bank-d": None}


def test_nobody_is_overdue_before_the_deadline(scenario: tuple[World, str, Principal]) -> None:
    world, advisory_id, _ = scenario
    assert adv.responses(world.hub, world.principals["hkma"], advisory_id)["overdue"] == []


def test_each_bank_sees_only_its_own_answer(scenario: tuple[World, str, Principal]) -> None:
    world, advisory_id, bank_d = scenario
    adv.respond(world.hub, world.principals["bank-a"], advisory_id, adv.ResponseRequest("affected", "secret"))
    assert adv.get_advisory(world.hub, world.principals["bank-a"], advisory_id)["response"]["note"] == "secret"
    assert adv.get_advisory(world.hub, world.principals["bank-b"], advisory_id)["response"] is None
    assert adv.get_advisory(world.hub, bank_d, advisory_id)["response"] is None
    with pytest.raises(Forbidden):
        adv.responses(world.hub, world.principals["bank-b"], advisory_id)


def test_a_bank_outside_the_audience_gets_not_found_like_an_absent_advisory(
    scenario: tuple[World, str, Principal],
) -> None:
    world, advisory_id, _ = scenario
    outsider = world.principals["bank-c"]
    calls: list[Callable[[str], object]] = [
        lambda i: adv.get_advisory(world.hub, outsider, i),
        lambda i: adv.respond(world.hub, outsider, i, adv.ResponseRequest("affected")),
        lambda i: adv.responses(world.hub, outsider, i),
        lambda i: adv.close(world.hub, outsider, i),
    ]
    for call in calls:
        for wanted in (advisory_id, "report--00000000-0000-4000-8000-000000000000"):
            with pytest.raises(NotFound):
                call(wanted)
    assert adv.list_advisories(world.hub, outsider) == []


def test_only_regulators_and_law_enforcement_publish_advisories(world: World) -> None:
    with pytest.raises(Forbidden):
        adv.publish_advisory(
            world.hub,
            world.principals["bank-a"],
            adv.AdvisoryRequest("t", "s", "low", AudienceNames(community=True), refs=("indicator--x",)),
        )
    police = adv.AdvisoryRequest(
        "Fake app", "s", "critical", AudienceNames(community=True), actions=(adv.Action("Block"),)
    )
    advisory_id = adv.publish_advisory(world.hub, world.principals["police"], police)
    assert [a["id"] for a in adv.list_advisories(world.hub, world.principals["bank-c"])] == [advisory_id]


def test_an_advisory_needs_a_known_severity_and_a_valid_deadline(world: World) -> None:
    for req in (
        adv.AdvisoryRequest("t", "s", "urgent", AudienceNames(community=True), actions=(adv.Action("a"),)),
        adv.AdvisoryRequest(
            "t", "s", "low", AudienceNames(community=True), deadline="soon", actions=(adv.Action("a"),)
        ),
        adv.AdvisoryRequest("t", "s", "low", AudienceNames(community=True)),
    ):
        with pytest.raises(Invalid):
            adv.publish_advisory(world.hub, world.principals["hkma"], req)


def test_responses_keep_the_first_acknowledgement_and_are_audited(scenario: tuple[World, str, Principal]) -> None:
    world, advisory_id, _ = scenario
    bank_a = world.principals["bank-a"]
    first = adv.respond(world.hub, bank_a, advisory_id, adv.ResponseRequest("investigating"))
    world.hub.clock = lambda: BEFORE + 1000
    second = adv.respond(world.hub, bank_a, advisory_id, adv.ResponseRequest("remediated", "done"))
    assert second["acknowledged_at"] == first["acknowledged_at"]
    assert (second["exposure"], second["note"]) == ("remediated", "done")
    with read_transaction(world.hub.engine) as conn:
        actions = [e.action for e in audit.entries(conn, org_id=bank_a.org_id)]
    assert actions.count("advisory-response") == 2


def test_a_closed_advisory_takes_no_more_responses_and_leaves_the_open_list(
    scenario: tuple[World, str, Principal],
) -> None:
    world, advisory_id, _ = scenario
    with pytest.raises(Forbidden):
        adv.close(world.hub, world.principals["bank-a"], advisory_id)
    adv.close(world.hub, world.principals["hkma"], advisory_id)
    with pytest.raises(Conflict):
        adv.respond(world.hub, world.principals["bank-a"], advisory_id, adv.ResponseRequest("affected"))
    assert adv.list_advisories(world.hub, world.principals["bank-a"]) == []
    assert adv.get_advisory(world.hub, world.principals["bank-a"], advisory_id)["closed"] is not None


def test_a_title_with_markup_is_stored_verbatim(world: World) -> None:
    title = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    _bank(world, "bank-d")
    world.hub.clock = lambda: BEFORE
    advisory_id = _publish(world, title=title)
    assert adv.get_advisory(world.hub, world.principals["bank-a"], advisory_id)["title"] == title
    assert adv.get_advisory(world.hub, world.principals["bank-a"], advisory_id)["report"]["name"] == title


def test_the_demo_has_two_advisories_with_answers_and_an_overdue_bank(hub: Hub) -> None:
    load_demo(hub)
    load_demo(hub)  # idempotent
    with read_transaction(hub.engine) as conn:
        regulator = members.org_by_name(conn, demo.REGULATOR)
    assert regulator is not None
    hkma = Principal(regulator.id, regulator.name, OrgKind.REGULATOR, Role.ANALYST)
    circular = str(demo.DEMO_ADVISORIES[0][1].advisory_id)
    table = adv.responses(hub, hkma, circular)
    assert table["acknowledged"] == sorted(demo.BANKS[:2]) and table["overdue"] == [demo.BANKS[2]]
    assert len(adv.list_advisories(hub, hkma)) == 2
