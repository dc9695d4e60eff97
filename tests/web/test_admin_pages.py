"""/web/admin: org-admins manage their own organisation's users and tokens, operators also
organisations and sharing groups; every refusal is tested from the hostile side."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from lionrock.access.model import Role
from lionrock.app import create_app
from lionrock.hub import directory
from lionrock.hub.logins import LoginFailed
from lionrock.hub.members import authenticate, create_token, hash_secret
from lionrock.hub.users import add_user, list_users
from lionrock.settings import Settings
from lionrock.web import admin
from tests.conftest import World
from tests.web.helpers import csrf_of, sign_in

_SECRET = re.compile(r'<code class="secret">([^<]+)</code>')


def _signed_in(web: TestClient, name: str, password: str) -> str:
    """Sign in and return the session's CSRF token."""
    assert sign_in(web, name, password).status_code == 303
    return csrf_of(web.get("/web/"))


@pytest.fixture
def ada(world: World) -> str:
    """ada: org-admin of bank-a; her password."""
    return add_user(world.hub, "bank-a", "ada", Role.ORG_ADMIN).password


@pytest.fixture
def otto(world: World) -> str:
    """otto: operator of ops; his password."""
    return add_user(world.hub, "ops", "otto", Role.OPERATOR).password


def _secret(page: Response) -> str:
    found = _SECRET.search(page.text)
    assert found, page.text
    return found.group(1)


def _names(world: World, org: str) -> set[str]:
    ops = world.principals["ops"]
    return {u.name for u in list_users(world.hub, ops) if u.org == org}


def test_an_org_admin_adds_a_user_who_signs_in_with_the_password_shown_once(
    web: TestClient, world: World, ada: str
) -> None:
    csrf = _signed_in(web, "ada", ada)
    made = web.post("/web/admin/users", data={"csrf": csrf, "name": "dora", "role": "analyst"})
    assert made.status_code == 200
    password = _secret(made)
    assert "shown only now" in made.text and "Hand it over securely" in made.text
    listing = web.get("/web/admin")
    assert "dora" in listing.text and password not in listing.text
    web.cookies.clear()
    assert sign_in(web, "dora", password).status_code == 303
    assert "dora · bank-a" in web.get("/web/").text


def test_the_role_choice_offers_only_roles_an_org_admin_may_grant(web: TestClient, world: World, ada: str) -> None:
    csrf = _signed_in(web, "ada", ada)
    html = web.get("/web/admin").text
    assert 'value="org-admin"' in html and 'value="operator"' not in html
    refused = web.post("/web/admin/users", data={"csrf": csrf, "name": "mallory", "role": "operator"})
    assert refused.status_code == 400 and "operator organisations" in refused.text
    bogus = web.post("/web/admin/users", data={"csrf": csrf, "name": "mallory", "role": "root"})
    assert bogus.status_code == 400
    assert "mallory" not in _names(world, "bank-a")


def test_an_org_admin_of_the_operator_organisation_may_not_make_operators(web: TestClient, world: World) -> None:
    password = add_user(world.hub, "ops", "opal", Role.ORG_ADMIN).password
    csrf = _signed_in(web, "opal", password)
    assert 'value="operator"' not in web.get("/web/admin").text
    for path, name in (("/web/admin/users", "name"), ("/web/admin/tokens", "label")):
        refused = web.post(path, data={"csrf": csrf, name: "root", "role": "operator"})
        assert refused.status_code == 403 and _SECRET.search(refused.text) is None
    assert "root" not in _names(world, "ops")


def test_an_org_admin_sees_only_its_own_organisations_users_and_tokens(web: TestClient, world: World, ada: str) -> None:
    add_user(world.hub, "bank-b", "bert", Role.READER)
    create_token(world.hub, "bank-b", Role.READER, "bank-b-siem")
    _signed_in(web, "ada", ada)
    html = web.get("/web/admin").text
    assert "ada" in html and "bert" not in html and "bank-b-siem" not in html
    assert "Sharing groups" not in html and "Add an organisation" not in html


def test_disabling_a_user_ends_their_session(web: TestClient, world: World, ada: str, settings: Settings) -> None:
    dora = add_user(world.hub, "bank-a", "dora", Role.ANALYST).password
    with TestClient(create_app(settings, world.hub)) as other:  # dora's own browser
        assert sign_in(other, "dora", dora).status_code == 303
        assert other.get("/web/", follow_redirects=False).status_code == 200
        csrf = _signed_in(web, "ada", ada)
        done = web.post("/web/admin/users/disable", data={"csrf": csrf, "name": "dora"}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/web/admin?done=disabled"
        assert "sessions have ended" in web.get(done.headers["location"]).text
        assert other.get("/web/", follow_redirects=False).headers["location"] == "/web/login"
        other.cookies.clear()
        assert sign_in(other, "dora", dora).status_code == 401


def test_resetting_a_password_shows_a_new_one_and_the_old_one_stops_working(
    web: TestClient, world: World, ada: str
) -> None:
    old = add_user(world.hub, "bank-a", "dora", Role.ANALYST).password
    csrf = _signed_in(web, "ada", ada)
    reset = web.post("/web/admin/users/password", data={"csrf": csrf, "name": "dora"})
    assert reset.status_code == 200
    new = _secret(reset)
    assert new != old and new not in web.get("/web/admin").text
    web.cookies.clear()
    assert sign_in(web, "dora", old).status_code == 401
    assert sign_in(web, "dora", new).status_code == 303


@pytest.mark.parametrize("role", [Role.READER, Role.ANALYST])
def test_readers_and_analysts_get_403_on_every_admin_page_and_action(web: TestClient, world: World, role: Role) -> None:
    password = add_user(world.hub, "bank-a", "rita", role).password
    target = add_user(world.hub, "bank-a", "dora", Role.READER).password
    token = create_token(world.hub, "bank-a", Role.READER)
    csrf = _signed_in(web, "rita", password)
    assert 'href="/web/admin"' not in web.get("/web/").text
    page = web.get("/web/admin")
    assert page.status_code == 403 and "for org-admins and operators" in page.text
    forms = {
        "/web/admin/users": {"name": "x1", "role": "reader"},
        "/web/admin/users/password": {"name": "dora"},
        "/web/admin/users/disable": {"name": "dora"},
        "/web/admin/tokens": {"label": "x", "role": "reader"},
        "/web/admin/tokens/revoke": {"id": str(token.id)},
        "/web/admin/orgs": {"name": "x", "kind": "bank"},
        "/web/admin/groups": {"name": "x"},
        "/web/admin/groups/members": {"group": "circle", "org": "bank-c"},
        "/web/admin/groups/members/remove": {"group": "circle", "org": "bank-b"},
    }
    assert set(forms) == _admin_posts()
    for path, fields in forms.items():
        assert web.post(path, data={"csrf": csrf, **fields}).status_code == 403, path
    web.cookies.clear()
    assert sign_in(web, "dora", target).status_code == 303  # neither reset nor disabled
    assert authenticate(world.hub, token.secret).role is Role.READER  # not revoked


def _admin_posts() -> set[str]:
    return {p for r in admin.router.routes for p in [getattr(r, "path", "")] if "POST" in getattr(r, "methods", ())}


def test_an_org_admin_cannot_act_on_another_organisations_users_or_tokens(
    web: TestClient, world: World, ada: str
) -> None:
    bert = add_user(world.hub, "bank-b", "bert", Role.READER).password
    theirs = create_token(world.hub, "bank-b", Role.READER, "bank-b-siem")
    csrf = _signed_in(web, "ada", ada)

    for path in ("/web/admin/users/disable", "/web/admin/users/password"):
        crafted = web.post(path, data={"csrf": csrf, "name": "bert"})
        unknown = web.post(path, data={"csrf": csrf, "name": "nobody-at-all"})
        assert crafted.status_code == unknown.status_code == 404, path
        assert crafted.text == unknown.text  # the same answer: the name reveals nothing
        assert _SECRET.search(crafted.text) is None

    crafted = web.post("/web/admin/tokens/revoke", data={"csrf": csrf, "id": str(theirs.id)})
    unknown = web.post("/web/admin/tokens/revoke", data={"csrf": csrf, "id": "987654"})
    assert crafted.status_code == unknown.status_code == 404
    assert crafted.text == unknown.text
    assert web.post("/web/admin/tokens/revoke", data={"csrf": csrf, "id": "1 or 1=1"}).status_code == 400

    tokens_before = len(directory.tokens(world.hub, world.principals["ops"]))
    made = web.post("/web/admin/users", data={"csrf": csrf, "name": "mole", "role": "reader", "org": "bank-b"})
    assert made.status_code == 403 and _SECRET.search(made.text) is None
    issued = web.post("/web/admin/tokens", data={"csrf": csrf, "label": "mole", "role": "reader", "org": "bank-b"})
    assert issued.status_code == 403 and _SECRET.search(issued.text) is None
    assert len(directory.tokens(world.hub, world.principals["ops"])) == tokens_before
    assert "mole" not in _names(world, "bank-b") | _names(world, "bank-a")

    web.cookies.clear()
    assert sign_in(web, "bert", bert).status_code == 303  # bert untouched
    assert authenticate(world.hub, theirs.secret).org_name == "bank-b"  # token untouched


def test_an_org_admin_cannot_manage_organisations_or_groups(web: TestClient, world: World, ada: str) -> None:
    csrf = _signed_in(web, "ada", ada)
    ops = world.principals["ops"]
    assert web.post("/web/admin/orgs", data={"csrf": csrf, "name": "bank-z", "kind": "bank"}).status_code == 403
    assert web.post("/web/admin/groups", data={"csrf": csrf, "name": "mine", "members": "bank-a"}).status_code == 403
    joined = web.post("/web/admin/groups/members", data={"csrf": csrf, "group": "le", "org": "bank-a"})
    assert joined.status_code == 403
    left = web.post("/web/admin/groups/members/remove", data={"csrf": csrf, "group": "circle", "org": "bank-b"})
    assert left.status_code == 403
    assert "bank-z" not in {o.name for o in directory.organisations(world.hub)}
    groups = {g.name: set(g.members) for g in directory.sharing_groups(world.hub, ops)}
    assert groups == {"circle": {"bank-a", "bank-b"}, "le": {"police", "hkma"}}


def test_an_operator_creates_an_organisation_and_a_group_and_changes_its_members(
    web: TestClient, world: World, otto: str
) -> None:
    csrf = _signed_in(web, "otto", otto)
    html = web.get("/web/admin").text
    assert "Sharing groups" in html and "circle" in html and "hkma" in html

    def post(path: str, **fields: str | list[str]) -> Response:
        return web.post(path, data={"csrf": csrf, **fields}, follow_redirects=False)

    assert post("/web/admin/orgs", name="bank-d", kind="bank").headers["location"] == "/web/admin?done=org"
    assert post("/web/admin/orgs", name="bank-d", kind="bank").status_code == 409
    assert post("/web/admin/orgs", name="bank-e", kind="casino").status_code == 400
    assert post("/web/admin/groups", name="trio", members=["bank-a", "bank-c"]).status_code == 303
    assert post("/web/admin/groups/members", group="trio", org="bank-d").status_code == 303
    assert post("/web/admin/groups/members", group="trio", org="bank-d").status_code == 409
    assert post("/web/admin/groups/members/remove", group="trio", org="bank-a").status_code == 303
    assert post("/web/admin/groups/members/remove", group="trio", org="bank-a").status_code == 404
    assert post("/web/admin/groups/members", group="nope", org="bank-a").status_code == 404
    assert post("/web/admin/groups", name="bad", members=["bank-zz"]).status_code == 404

    kinds = {o.name: o.kind for o in directory.organisations(world.hub)}
    assert kinds["bank-d"] == "bank"
    groups = {g.name: set(g.members) for g in directory.sharing_groups(world.hub, world.principals["ops"])}
    assert groups["trio"] == {"bank-c", "bank-d"} and "bad" not in groups
    page = web.get("/web/admin?done=left").text
    assert "removed from the sharing group" in page and "bank-d" in page
    # a user of the new organisation, made by the operator, signs in as bank-d
    made = post("/web/admin/users", name="dan", role="org-admin", org="bank-d")
    web.cookies.clear()
    assert sign_in(web, "dan", _secret(made)).status_code == 303
    assert "dan · bank-d" in web.get("/web/").text


def test_an_operator_may_not_make_an_operator_of_a_bank(web: TestClient, world: World, otto: str) -> None:
    csrf = _signed_in(web, "otto", otto)
    refused = web.post("/web/admin/users", data={"csrf": csrf, "name": "boss", "role": "operator", "org": "bank-a"})
    assert refused.status_code == 400 and "operator organisations" in refused.text
    assert "boss" not in _names(world, "bank-a")


def test_a_token_secret_is_shown_once_and_never_again(web: TestClient, world: World, ada: str) -> None:
    csrf = _signed_in(web, "ada", ada)
    issued = web.post(
        "/web/admin/tokens", data={"csrf": csrf, "label": "siem feed", "role": "reader", "expires_days": "30"}
    )
    assert issued.status_code == 200
    secret = _secret(issued)
    who = authenticate(world.hub, secret)
    assert (who.org_name, who.role) == ("bank-a", Role.READER)
    listing = web.get("/web/admin").text
    assert "siem feed" in listing
    assert secret not in listing and hash_secret(secret) not in listing and secret[10:20] not in listing
    token_id = next(t.id for t in directory.tokens(world.hub, world.principals["ops"]) if t.name == "siem feed")
    assert web.post("/web/admin/tokens", data={"csrf": csrf, "role": "reader", "expires_days": "-1"}).status_code == 400
    revoked = web.post("/web/admin/tokens/revoke", data={"csrf": csrf, "id": str(token_id)}, follow_redirects=False)
    assert revoked.status_code == 303
    with pytest.raises(LoginFailed):
        authenticate(world.hub, secret)
    assert "Revoked" in web.get("/web/admin").text


def test_names_with_markup_are_shown_as_text(web: TestClient, world: World, ada: str) -> None:
    csrf = _signed_in(web, "ada", ada)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    made = web.post("/web/admin/users", data={"csrf": csrf, "name": evil, "role": "reader"})
    issued = web.post("/web/admin/tokens", data={"csrf": csrf, "label": evil, "role": "reader"})
    refused = web.post("/web/admin/users/disable", data={"csrf": csrf, "name": evil + "x"})
    assert refused.status_code == 404
    for response in (made, issued, refused, web.get("/web/admin"), web.get("/web/audit")):
        assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;alert(" in web.get("/web/admin").text


def test_an_unknown_done_key_shows_nothing(web: TestClient, world: World, ada: str) -> None:
    _signed_in(web, "ada", ada)
    page = web.get("/web/admin?done=<b>pwned</b>")
    assert page.status_code == 200 and "pwned" not in page.text


def test_every_admin_post_needs_the_csrf_token(web: TestClient, world: World, otto: str) -> None:
    add_user(world.hub, "bank-a", "dora", Role.ANALYST)
    token = create_token(world.hub, "bank-a", Role.READER)
    _signed_in(web, "otto", otto)
    fields = {
        "name": "dora",
        "role": "reader",
        "id": str(token.id),
        "kind": "bank",
        "group": "circle",
        "org": "bank-c",
        "label": "x",
    }
    for path in sorted(_admin_posts()):
        for sent in ({}, {"csrf": "forged"}):
            refused = web.post(path, data={**fields, **sent})
            assert refused.status_code == 403, path
            assert "did not come from this site" in refused.text
            assert _SECRET.search(refused.text) is None
    assert authenticate(world.hub, token.secret).role is Role.READER
    assert "dora" in _names(world, "bank-a")
    assert {u.disabled for u in list_users(world.hub, world.principals["ops"])} == {None}
    assert "dora" not in {o.name for o in directory.organisations(world.hub)}
    groups = {g.name: set(g.members) for g in directory.sharing_groups(world.hub, world.principals["ops"])}
    assert groups == {"circle": {"bank-a", "bank-b"}, "le": {"police", "hkma"}}


def test_the_admin_and_audit_pages_speak_chinese(web: TestClient, world: World, otto: str) -> None:
    csrf = _signed_in(web, "otto", otto)
    web.post("/web/language", data={"csrf": csrf, "language": "zh-HK", "next": "/web/admin"})
    html = web.get("/web/admin").text
    assert "所有機構的用戶" in html and "共享群組" in html and "新增成員至 circle" in html
    assert "審計紀錄" in web.get("/web/audit").text
    refused = web.post("/web/admin/users/disable", data={"csrf": csrf, "name": "nobody"})
    assert refused.status_code == 404 and "你管理的機構中沒有此用戶" in refused.text
