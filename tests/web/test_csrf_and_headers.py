"""CSRF on every state-changing web route (sign-in included) and security headers on every web page."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from lionrock.web.routes import router
from lionrock.web.security import WEB
from tests.web.helpers import csrf_of, sign_in

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
WEB_ROUTES = [
    (method, route.path) for route in router.routes if isinstance(route, APIRoute) for method in sorted(route.methods)
]
CHANGING_ROUTES = [(m, p) for m, p in WEB_ROUTES if m in STATE_CHANGING]


def test_the_web_routes_include_state_changing_ones() -> None:
    assert ("POST", f"{WEB}/login") in CHANGING_ROUTES and ("POST", f"{WEB}/logout") in CHANGING_ROUTES


@pytest.mark.parametrize(("method", "path"), CHANGING_ROUTES)
def test_every_state_changing_web_route_refuses_a_request_without_its_csrf_token(
    web: TestClient, passwords: dict[str, str], method: str, path: str
) -> None:
    sign_in(web, "alice", passwords["alice"])
    web.get(f"{WEB}/login")  # a pre-session cookie too: only the token is missing
    missing = web.request(method, path, data={"name": "alice", "password": passwords["alice"]})
    assert missing.status_code == 403
    wrong = web.request(method, path, data={"csrf": "forged", "name": "alice", "password": passwords["alice"]})
    assert wrong.status_code == 403
    assert "did not come from this site" in wrong.text


def test_sign_in_needs_the_pre_session_token_of_its_own_cookie(web: TestClient, passwords: dict[str, str]) -> None:
    token = csrf_of(web.get("/web/login"))
    web.cookies.clear()  # an attacker's page cannot send the victim's pre-session cookie
    response = web.post("/web/login", data={"csrf": token, "name": "alice", "password": passwords["alice"]})
    assert response.status_code == 403
    assert "lr_session" not in response.cookies


def test_a_session_csrf_token_of_another_session_is_refused(
    web: TestClient, passwords: dict[str, str], settings: object, hub: object
) -> None:
    sign_in(web, "bob", passwords["bob"])
    bobs = csrf_of(web.get("/web/"))
    web.cookies.clear()
    sign_in(web, "alice", passwords["alice"])
    assert web.post("/web/logout", data={"csrf": bobs}).status_code == 403
    assert web.get("/web/").status_code == 200  # still signed in


def test_the_csrf_token_may_come_in_a_header(web: TestClient, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    token = csrf_of(web.get("/web/"))
    out = web.post("/web/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert out.status_code == 303


def _assert_secure_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    for directive in ("default-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_every_web_response_carries_the_security_headers(web: TestClient, passwords: dict[str, str]) -> None:
    responses = [
        web.get("/web/", follow_redirects=False),  # redirect
        web.get("/web/login"),
        web.post("/web/login", data={"csrf": "x"}),  # 403
        web.get("/web/static/web.css"),
        web.get("/web/nothing-here"),  # 404
        sign_in(web, "alice", "wrong"),  # 401
        sign_in(web, "alice", passwords["alice"]),
        web.get("/web/"),
    ]
    for response in responses:
        _assert_secure_headers(response)


def test_pages_hold_no_inline_script_or_style(web: TestClient, passwords: dict[str, str]) -> None:
    pages = [web.get("/web/login").text]
    sign_in(web, "alice", passwords["alice"])
    pages.append(web.get("/web/").text)
    for page in pages:
        assert "<script" not in page and "<style" not in page and "style=" not in page


def test_user_supplied_text_is_escaped(web: TestClient) -> None:
    response = web.post(
        "/web/login",
        data={"csrf": csrf_of(web.get("/web/login")), "name": "<b>x</b>", "password": "p"},
    )
    assert response.status_code == 401
    assert "<b>x</b>" not in response.text and "&lt;b&gt;x&lt;/b&gt;" in response.text
