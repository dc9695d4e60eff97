"""/web/audit: the signed-in organisation's own audit trail, newest first, paged, in Hong Kong time."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import Role
from lionrock.hub.members import authenticate, create_token
from lionrock.hub.users import add_user
from lionrock.web.audit import PAGE_SIZE
from lionrock.web.i18n import hk_time
from tests.conftest import World
from tests.web.conftest import Clock
from tests.web.helpers import csrf_of, sign_in

_ROW = re.compile(r'<th scope="row">(\d+)</th>')


def _signed_in(web: TestClient, name: str, password: str) -> str:
    assert sign_in(web, name, password).status_code == 303
    return csrf_of(web.get("/web/"))


def test_the_audit_page_lists_the_organisations_own_actions_only(web: TestClient, world: World, clock: Clock) -> None:
    ada = add_user(world.hub, "bank-a", "ada", Role.ORG_ADMIN).password
    bella = add_user(world.hub, "bank-b", "bella", Role.ORG_ADMIN).password
    csrf = _signed_in(web, "bella", bella)  # bank-b acts first, with names bank-a must never see
    web.post("/web/admin/users", data={"csrf": csrf, "name": "bank-b-secret-hire", "role": "reader"})
    web.post("/web/admin/tokens", data={"csrf": csrf, "label": "bank-b-hidden-feed", "role": "reader"})
    web.cookies.clear()
    clock.advance(60)
    csrf = _signed_in(web, "ada", ada)
    web.post("/web/admin/users", data={"csrf": csrf, "name": "dora", "role": "analyst"})
    web.post("/web/admin/users/password", data={"csrf": csrf, "name": "dora"})
    web.post("/web/admin/users/disable", data={"csrf": csrf, "name": "dora"})
    web.post("/web/admin/tokens", data={"csrf": csrf, "label": "siem", "role": "reader"})
    page = web.get("/web/audit")
    assert page.status_code == 200
    html = page.text
    for action in ("web.sign_in", "user.add", "user.password.reset", "user.disable", "token.create"):
        assert f"<code>{action}</code>" in html, action
    assert "dora" in html
    assert "bank-b-secret-hire" not in html and "bank-b-hidden-feed" not in html and "bella" not in html
    assert hk_time(clock.now) in html and "HKT" in html
    seqs = [int(s) for s in _ROW.findall(html)]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) >= 6  # newest first


def test_an_operator_sees_its_own_organisations_trail_not_the_members(web: TestClient, world: World) -> None:
    add_user(world.hub, "bank-a", "dora", Role.ANALYST, actor=world.principals["ops"])  # by ops: ops' entry
    admin = authenticate(world.hub, create_token(world.hub, "bank-a", Role.ORG_ADMIN).secret)
    add_user(world.hub, "bank-a", "bank-a-only", Role.READER, actor=admin)  # bank-a's entry
    otto = add_user(world.hub, "ops", "otto", Role.OPERATOR).password
    _signed_in(web, "otto", otto)
    html = web.get("/web/audit").text
    assert "dora" in html and "bank-a-only" not in html


@pytest.mark.parametrize("role", [Role.READER, Role.ANALYST])
def test_readers_and_analysts_may_not_read_the_audit_trail(web: TestClient, world: World, role: Role) -> None:
    password = add_user(world.hub, "bank-a", "rita", role).password
    _signed_in(web, "rita", password)
    assert 'href="/web/audit"' not in web.get("/web/").text
    refused = web.get("/web/audit")
    assert refused.status_code == 403 and "for org-admins and operators" in refused.text
    assert "web.sign_in" not in refused.text


def test_the_audit_trail_is_paged_newest_first(web: TestClient, world: World) -> None:
    ada = add_user(world.hub, "bank-a", "ada", Role.ORG_ADMIN).password
    admin = authenticate(world.hub, create_token(world.hub, "bank-a", Role.ORG_ADMIN).secret)
    for n in range(PAGE_SIZE + 5):
        create_token(world.hub, "bank-a", Role.READER, f"feed-{n}", actor=admin)
    _signed_in(web, "ada", ada)
    first = web.get("/web/audit").text
    newest = [int(s) for s in _ROW.findall(first)]
    assert len(newest) == PAGE_SIZE and newest == sorted(newest, reverse=True)
    older_link = re.search(r'href="/web/audit\?before=(\d+)"', first)
    assert older_link and int(older_link.group(1)) == newest[-1]
    second = web.get(f"/web/audit?before={older_link.group(1)}").text
    older = [int(s) for s in _ROW.findall(second)]
    assert older and max(older) < min(newest) and older == sorted(older, reverse=True)
    assert 'href="/web/audit"' in second  # back to the newest


@pytest.mark.parametrize("before", ["abc", "-1", "0", "1.5", "9" * 40, "1e3"])
def test_a_bad_page_cursor_is_a_clear_400(web: TestClient, world: World, before: str) -> None:
    ada = add_user(world.hub, "bank-a", "ada", Role.ORG_ADMIN).password
    _signed_in(web, "ada", ada)
    refused = web.get("/web/audit", params={"before": before})
    assert refused.status_code == 400 and "positive whole number" in refused.text
