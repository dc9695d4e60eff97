"""Every state-changing route under /web, of the whole app (so routes added later are covered without
editing this file), refuses a signed-in request that lacks the session's CSRF token."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import FastAPI, routing
from fastapi.testclient import TestClient
from starlette.convertors import FloatConvertor, IntegerConvertor, UUIDConvertor

from lionrock.access.model import Role
from lionrock.app import create_app
from lionrock.hub import Hub
from lionrock.hub.users import add_user
from lionrock.settings import Settings
from lionrock.web.security import WEB
from tests.conftest import World
from tests.web.helpers import sign_in

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
_PARAM = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")


def flat_routes(app: FastAPI) -> list[Any]:
    """Every route of the app with its full path, through included routers (FastAPI >= 0.16x keeps
    included routers as branches in `app.routes`; older versions flatten them there)."""
    iterate = getattr(routing, "iter_route_contexts", None)
    return list(iterate(app.routes)) if iterate else list(app.routes)


def _dummy_path(route: Any) -> str:
    """The route's path with each parameter replaced by a value its convertor accepts."""

    def fill(match: re.Match[str]) -> str:
        convertor = route.param_convertors.get(match.group(1))
        if isinstance(convertor, IntegerConvertor):
            return "1"
        if isinstance(convertor, FloatConvertor):
            return "1.0"
        if isinstance(convertor, UUIDConvertor):
            return str(uuid.UUID(int=1))
        return "dummy"

    return _PARAM.sub(fill, route.path)


def state_changing_web_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route in flat_routes(app):
        path, methods = getattr(route, "path", None), getattr(route, "methods", None)
        if isinstance(path, str) and path.startswith(WEB) and methods:
            found.extend((m, _dummy_path(route)) for m in sorted(set(methods) & STATE_CHANGING))
    return found


def test_every_state_changing_web_route_needs_the_csrf_token(settings: Settings, hub: Hub, world: World) -> None:
    # an operator may do anything a page offers, so a 403 here can only be the CSRF check
    password = add_user(world.hub, "ops", "otto", Role.OPERATOR).password
    app = create_app(settings, hub)
    routes = state_changing_web_routes(app)
    assert {("POST", f"{WEB}/login"), ("POST", f"{WEB}/logout"), ("POST", f"{WEB}/admin/users")} <= set(routes)
    assert ("POST", "/api/v1/bundles") not in routes
    with TestClient(app) as web:
        assert sign_in(web, "otto", password).status_code == 303
        web.get(f"{WEB}/login")  # a pre-session cookie too: only the token is missing
        failures = []
        for method, path in routes:
            for sent in ({}, {"csrf": "forged"}):
                response = web.request(method, path, data={"name": "otto", "password": password, **sent})
                if response.status_code != 403 or "did not come from this site" not in response.text:
                    failures.append(f"{method} {path} {sent}: {response.status_code}")
            still = web.get(f"{WEB}/", follow_redirects=False)
            assert still.status_code == 200, f"{method} {path} signed the user out"
        assert not failures, failures


def test_path_parameters_are_filled_with_values_their_convertors_accept() -> None:
    app = FastAPI()

    @app.post(f"{WEB}/things/{{n:int}}/{{name}}")
    def change(n: int, name: str) -> None: ...

    @app.get(f"{WEB}/things")
    def read() -> None: ...

    assert state_changing_web_routes(app) == [("POST", f"{WEB}/things/1/dummy")]
