"""Fast JSON responses and the hub/principal dependencies both edges use."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from lionrock.access.model import Principal
from lionrock.http.auth import principal_from_header
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
    return principal_from_header(hub_of(request), request.headers.get("authorization"))
