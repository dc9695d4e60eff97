"""Sign-in, sessions and their cookie: flags, fixation, expiry, sign-out, throttling, disabled users."""

from __future__ import annotations

import hashlib
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lionrock.access.model import Role
from lionrock.app import create_app
from lionrock.hub import Hub
from lionrock.hub.users import add_user, disable_user
from lionrock.settings import Settings
from lionrock.store.engine import read_transaction
from lionrock.store.schema import audit, users, web_sessions
from tests.web.conftest import Clock
from tests.web.helpers import csrf_of, sign_in


def _session_rows(hub: Hub) -> list[str]:
    with read_transaction(hub.engine) as conn:
        return [str(r[0]) for r in conn.execute(select(web_sessions.c.id_hash))]


def _cookie_header(response: object, name: str) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    found = [h for h in headers if h.startswith(f"{name}=")]
    assert found, headers
    return str(found[0])


def test_sign_in_sets_an_httponly_strict_session_cookie_for_the_whole_site(
    web: TestClient, passwords: dict[str, str]
) -> None:
    response = sign_in(web, "alice", passwords["alice"])
    assert response.status_code == 303 and response.headers["location"] == "/web/"
    cookie = _cookie_header(response, "lr_session").lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/;" in cookie + ";"
    assert "secure" not in cookie  # plain http: a Secure cookie would never come back
    home = web.get("/web/")
    assert home.status_code == 200
    assert "Signed in as <strong>alice</strong> of <strong>bank-a</strong>" in home.text


def test_the_session_cookie_is_secure_over_https(settings: Settings, hub: Hub, passwords: dict[str, str]) -> None:
    with TestClient(create_app(settings, hub), base_url="https://testserver") as c:
        assert "secure" in _cookie_header(sign_in(c, "alice", passwords["alice"]), "lr_session").lower()


def test_the_secure_cookie_setting_forces_secure_over_http(
    settings: Settings, hub: Hub, passwords: dict[str, str]
) -> None:
    hub.settings = Settings(database_url=settings.database_url, web_secure_cookie=1)
    with TestClient(create_app(hub.settings, hub)) as c:
        form = c.get("/web/login")
        pre = _cookie_header(form, "lr_presession")
        assert "secure" in pre.lower()
        nonce = pre.split(";")[0].split("=", 1)[1]  # the client keeps Secure cookies off http: send it by hand
        response = c.post(
            "/web/login",
            data={"csrf": csrf_of(form), "name": "alice", "password": passwords["alice"]},
            headers={"Cookie": f"lr_presession={nonce}"},
            follow_redirects=False,
        )
        assert "secure" in _cookie_header(response, "lr_session").lower()


def test_only_the_sha256_of_the_session_id_is_stored(web: TestClient, passwords: dict[str, str], hub: Hub) -> None:
    response = sign_in(web, "alice", passwords["alice"])
    value = response.cookies["lr_session"]
    assert _session_rows(hub) == [hashlib.sha256(value.encode()).hexdigest()]


def test_a_wrong_password_opens_no_session(web: TestClient, passwords: dict[str, str], hub: Hub) -> None:
    response = sign_in(web, "alice", passwords["alice"] + "x")
    assert response.status_code == 401
    assert "wrong user name or password" in response.text
    assert "lr_session" not in response.cookies
    assert _session_rows(hub) == []
    assert sign_in(web, "nobody", "whatever").status_code == 401
    assert web.get("/web/", follow_redirects=False).headers["location"] == "/web/login"


def test_every_sign_in_makes_a_new_session_id(web: TestClient, passwords: dict[str, str], hub: Hub) -> None:
    first = sign_in(web, "alice", passwords["alice"]).cookies["lr_session"]
    second = sign_in(web, "alice", passwords["alice"]).cookies["lr_session"]
    assert first != second
    assert _session_rows(hub) == [hashlib.sha256(second.encode()).hexdigest()]  # the old one is gone


def test_a_planted_session_id_is_not_adopted(web: TestClient, passwords: dict[str, str]) -> None:
    web.cookies.set("lr_session", "planted-by-attacker", path="/")
    assert sign_in(web, "alice", passwords["alice"]).cookies["lr_session"] != "planted-by-attacker"


def test_an_idle_session_expires(web: TestClient, passwords: dict[str, str], clock: Clock, hub: Hub) -> None:
    sign_in(web, "alice", passwords["alice"])
    clock.advance(hub.settings.web_session_idle - 60)
    assert web.get("/web/").status_code == 200  # use keeps it alive
    clock.advance(hub.settings.web_session_idle - 60)
    assert web.get("/web/").status_code == 200
    clock.advance(hub.settings.web_session_idle + 1)
    assert web.get("/web/", follow_redirects=False).headers["location"] == "/web/login"
    assert _session_rows(hub) == []


def test_a_busy_session_still_ends_at_the_absolute_limit(
    web: TestClient, passwords: dict[str, str], clock: Clock, hub: Hub
) -> None:
    sign_in(web, "alice", passwords["alice"])
    step = hub.settings.web_session_idle // 2
    for _ in range(hub.settings.web_session_absolute // step - 1):
        clock.advance(step)
        assert web.get("/web/").status_code == 200
    clock.advance(step + 1)
    assert web.get("/web/", follow_redirects=False).status_code == 303


def test_sign_out_deletes_the_session(web: TestClient, passwords: dict[str, str], hub: Hub) -> None:
    value = sign_in(web, "alice", passwords["alice"]).cookies["lr_session"]
    home = web.get("/web/")
    out = web.post("/web/logout", data={"csrf": csrf_of(home)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/web/login"
    assert _session_rows(hub) == []
    web.cookies.set("lr_session", value, path="/")  # a copied cookie is dead too
    assert web.get("/web/", follow_redirects=False).status_code == 303


def test_sign_in_is_throttled_after_repeated_failures(web: TestClient, passwords: dict[str, str], hub: Hub) -> None:
    for _ in range(hub.settings.login_failure_limit):
        assert sign_in(web, "alice", "guess").status_code == 401
    locked = sign_in(web, "alice", passwords["alice"])
    assert locked.status_code == 429
    wait = int(locked.headers["retry-after"])
    assert wait > 0 and f"try again in {wait} s" in locked.text
    assert "lr_session" not in locked.cookies
    chinese = web.get("/web/login", headers={"accept-language": "zh-HK"})
    refused = web.post(
        "/web/login",
        data={"csrf": csrf_of(chinese), "name": "alice", "password": passwords["alice"]},
        headers={"accept-language": "zh-HK"},
    )
    assert refused.status_code == 429 and "秒後再試" in refused.text


def test_a_disabled_user_cannot_sign_in_and_loses_its_sessions(
    web: TestClient, passwords: dict[str, str], hub: Hub
) -> None:
    sign_in(web, "alice", passwords["alice"])
    disable_user(hub, "alice")
    assert web.get("/web/", follow_redirects=False).status_code == 303
    response = sign_in(web, "alice", passwords["alice"])
    assert response.status_code == 401 and "lr_session" not in response.cookies


def test_the_password_is_stored_only_as_an_argon2_hash_and_never_logged(
    settings: Settings, hub: Hub, passwords: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    password = add_user(hub, "bank-a", "carol", Role.READER).password
    with TestClient(create_app(settings, hub)) as c:
        assert sign_in(c, "carol", password).status_code == 303
        sign_in(c, "carol", password + "x")
    with read_transaction(hub.engine) as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.name == "carol")).scalar_one()
        rows = [row for t in (users, web_sessions, audit) for row in conn.execute(select(t))]
    everything = "\n".join(str(v) for row in rows for v in row)
    assert stored.startswith("$argon2id$")
    assert password not in everything
    assert password not in caplog.text
