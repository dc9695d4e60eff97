"""Fast JSON responses and the hub/principal dependencies both edges use."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from lionrock.access.model import Principal
from lionrock.access.throttle import client_key
from lionrock.http.auth import failed_logins, principal_for
from lionrock.hub import Hub


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def hub_of(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


def principal(request: Request) -> Principal:
    """FastAPI dependency: the caller, from its token (runs in the thread pool: it reads the DB)."""
    hub = hub_of(request)
    client = client_key(request.client.host if request.client else None)
    counter = failed_logins(request.app.state, hub.settings)
    return principal_for(hub, counter, client, request.headers.get("authorization"))
