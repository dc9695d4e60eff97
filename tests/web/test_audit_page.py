"""/web/audit: the signed-in organisation's own audit trail, newest first, paged, in Hong Kong time."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import Role
from lionrock.errors import Forbidden
from lionrock.hub.directory import audit_page
from lionrock.hub.members import authenticate, create_token
from lionrock.hub.users import add_user
from lionrock.store import audit, users
from lionrock.store.engine import read_transaction
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


_ENTRY = re.compile(
    r'<th scope="row">(\d+)</th>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td><code>([^<]*)</code></td>\s*<td>([^<]*)</td>'
)


def _entries(html: str) -> list[tuple[int, str, str, str]]:
    """(seq, user, action, subject) of each row shown."""
    return [(int(seq), user, action, subject) for seq, user, action, subject in _ENTRY.findall(html)]


def _user_entries(world: World, user_id: int) -> list[int]:
    with read_transaction(world.hub.engine) as conn:
        return [e.seq for e in audit.entries(conn, user_id=user_id)]


@pytest.mark.parametrize("role", [Role.READER, Role.ANALYST])
def test_readers_and_analysts_read_only_their_own_entries(web: TestClient, world: World, role: Role) -> None:
    rita = add_user(world.hub, "bank-a", "rita", role)
    carlos = add_user(world.hub, "bank-a", "carlos", Role.ANALYST).password  # a colleague
    bellamy = add_user(world.hub, "bank-b", "bellamy", role).password  # another organisation
    adelaide = add_user(world.hub, "bank-a", "adelaide", Role.ORG_ADMIN).password
    for name, password in (("carlos", carlos), ("bellamy", bellamy)):
        _signed_in(web, name, password)
        web.cookies.clear()
    csrf = _signed_in(web, "adelaide", adelaide)
    web.post("/web/admin/tokens", data={"csrf": csrf, "label": "bank-a-admin-feed", "role": "reader"})
    web.cookies.clear()
    csrf = _signed_in(web, "rita", rita.password)
    web.post("/web/logout", data={"csrf": csrf})
    _signed_in(web, "rita", rita.password)
    assert 'href="/web/audit"' in web.get("/web/").text
    page = web.get("/web/audit")
    assert page.status_code == 200 and "Your own audit trail" in page.text
    shown = _entries(page.text)
    assert [a for _, _, a, _ in shown] == ["web.sign_in", "web.sign_out", "web.sign_in"]
    assert {(u, s) for _, u, _, s in shown} == {("rita", "rita")}
    assert [seq for seq, *_ in shown] == _user_entries(world, rita.id)
    for other in ("carlos", "bellamy", "adelaide", "bank-a-admin-feed", "token.create"):
        assert other not in page.text, other


def test_an_org_admin_sees_colleagues_entries_with_their_names(web: TestClient, world: World) -> None:
    carlos = add_user(world.hub, "bank-a", "carlos", Role.ANALYST).password
    bellamy = add_user(world.hub, "bank-b", "bellamy", Role.ANALYST).password
    ada = add_user(world.hub, "bank-a", "ada", Role.ORG_ADMIN).password
    admin_token = authenticate(world.hub, create_token(world.hub, "bank-a", Role.ORG_ADMIN).secret)
    create_token(world.hub, "bank-a", Role.READER, "by-token", actor=admin_token)
    for name, password in (("carlos", carlos), ("bellamy", bellamy)):
        _signed_in(web, name, password)
        web.cookies.clear()
    csrf = _signed_in(web, "ada", ada)
    web.post("/web/admin/tokens", data={"csrf": csrf, "label": "siem", "role": "reader"})
    page = web.get("/web/audit")
    assert page.status_code == 200 and "Your organisation's audit trail: what bank-a did" in page.text
    shown = _entries(page.text)
    assert any(u == "carlos" and a == "web.sign_in" for _, u, a, _ in shown)
    assert any(u == "ada" and a == "token.create" for _, u, a, _ in shown)
    assert any(u == "—" and a == "token.create" for _, u, a, _ in shown)  # made with a token: no user
    assert "bellamy" not in page.text


def test_user_names_are_looked_up_in_the_readers_own_organisation_only(world: World) -> None:
    bellamy = add_user(world.hub, "bank-b", "bellamy", Role.ANALYST)
    with read_transaction(world.hub.engine) as conn:
        assert users.user_names(conn, world.org_ids["bank-a"], {bellamy.id}) == {}
        assert users.user_names(conn, world.org_ids["bank-b"], {bellamy.id}) == {bellamy.id: "bellamy"}


def test_a_reader_token_still_may_not_read_the_audit_log(world: World) -> None:
    reader = authenticate(world.hub, create_token(world.hub, "bank-a", Role.ANALYST).secret)
    with pytest.raises(Forbidden):
        audit_page(world.hub, reader, None, PAGE_SIZE)


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
