"""Every page under /web, of the whole app (routes added later are covered without editing this file),
answers with the security headers and, when it is HTML, without inline script: signed in as each kind
of organisation and signed out, whatever the status."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lionrock.access.model import Role
from lionrock.app import create_app
from lionrock.hub import Hub
from lionrock.hub.users import add_user
from lionrock.settings import Settings
from lionrock.web.security import HEADERS, WEB
from tests.conftest import World
from tests.web.helpers import sign_in
from tests.web.test_every_post_needs_csrf import _dummy_path, flat_routes

PEOPLE = (("ops", Role.OPERATOR), ("hkma", Role.ANALYST), ("bank-a", Role.READER), ("bank-b", Role.ORG_ADMIN))


def _web_get_paths(settings: Settings, hub: Hub) -> list[str]:
    paths = []
    for route in flat_routes(create_app(settings, hub)):
        path, methods = getattr(route, "path", None), getattr(route, "methods", None) or set()
        if isinstance(path, str) and path.startswith(WEB) and "GET" in methods:
            paths.append(_dummy_path(route))
    return paths


def _check(web: TestClient, paths: list[str]) -> list[str]:
    failures = []
    for path in paths:
        response = web.get(path, follow_redirects=False)
        missing = [k for k, v in HEADERS.items() if response.headers.get(k) != v]
        if missing:
            failures.append(f"{path} {response.status_code}: missing {missing}")
        if response.headers.get("content-type", "").startswith("text/html") and "<script>" in response.text:
            failures.append(f"{path}: inline script")
    return failures


def test_every_web_page_carries_the_security_headers(settings: Settings, hub: Hub, world: World) -> None:
    paths = _web_get_paths(settings, hub)
    assert {f"{WEB}/", f"{WEB}/search", f"{WEB}/sector", f"{WEB}/admin", f"{WEB}/advisories"} <= set(paths)
    with TestClient(create_app(settings, hub)) as web:
        failures = _check(web, paths)  # signed out: redirects to sign-in carry them too
        for org, role in PEOPLE:
            name = f"headers-{org}"
            assert sign_in(web, name, add_user(world.hub, org, name, role).password).status_code == 303
            failures += _check(web, [*paths, f"{WEB}/no/such/page"])
    assert not failures, failures
