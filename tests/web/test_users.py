"""Users: who may make and disable them, and what the home page counts (through the policy)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import Audience, Role
from lionrock.errors import Conflict, Forbidden, Invalid, NotFound
from lionrock.hub.members import authenticate, create_token
from lionrock.hub.publish import PublishRequest, publish
from lionrock.hub.users import add_user, disable_user
from lionrock.stix.tlp import Tlp
from tests.conftest import World
from tests.factories import indicator
from tests.web.helpers import sign_in


def test_an_org_admin_makes_users_of_its_own_organisation_only(world: World) -> None:
    admin = authenticate(world.hub, create_token(world.hub, "bank-a", Role.ORG_ADMIN).secret)
    assert add_user(world.hub, "bank-a", "dora", Role.ANALYST, actor=admin).password
    with pytest.raises(Forbidden):
        add_user(world.hub, "bank-b", "eve", Role.ANALYST, actor=admin)
    with pytest.raises(Forbidden):
        add_user(world.hub, "ops", "root", Role.OPERATOR, actor=admin)
    with pytest.raises(Forbidden):
        add_user(world.hub, "bank-a", "fred", Role.READER, actor=world.principals["bank-a"])  # an analyst


def test_an_operator_makes_users_of_any_organisation(world: World) -> None:
    assert add_user(world.hub, "bank-b", "gina", Role.ORG_ADMIN, actor=world.principals["ops"]).id
    with pytest.raises(Invalid):
        add_user(world.hub, "bank-b", "hank", Role.OPERATOR, actor=world.principals["ops"])
    with pytest.raises(Conflict):
        add_user(world.hub, "bank-c", "gina", Role.READER)


def test_an_org_admin_cannot_disable_another_organisations_user(world: World) -> None:
    add_user(world.hub, "bank-b", "ivan", Role.READER)
    admin = authenticate(world.hub, create_token(world.hub, "bank-a", Role.ORG_ADMIN).secret)
    with pytest.raises(NotFound):
        disable_user(world.hub, "ivan", actor=admin)
    disable_user(world.hub, "ivan", actor=world.principals["ops"])


def test_a_user_sees_only_the_count_its_organisation_may_see(
    web: TestClient, world: World, passwords: dict[str, str]
) -> None:
    circle = Audience(group_ids=frozenset({world.group_ids["circle"]}))
    hkma = Audience(org_ids=frozenset({world.org_ids["hkma"]}))
    alice = world.principals["bank-a"]
    publish(world.hub, alice, PublishRequest([indicator("198.51.100.1")], Audience(community=True), Tlp.GREEN))
    publish(world.hub, alice, PublishRequest([indicator("198.51.100.2")], circle, Tlp.AMBER))
    publish(world.hub, alice, PublishRequest([indicator("198.51.100.3")], hkma, Tlp.RED))
    sign_in(web, "alice", passwords["alice"])
    assert "may see <strong>3</strong> objects" in web.get("/web/").text
    web.cookies.clear()
    sign_in(web, "bob", passwords["bob"])  # bank-b: in the circle, not the producer
    assert "may see <strong>2</strong> objects" in web.get("/web/").text
    carol = add_user(world.hub, "bank-c", "carol", Role.READER).password
    web.cookies.clear()
    sign_in(web, "carol", carol)
    assert "may see <strong>1</strong> object." in web.get("/web/").text
