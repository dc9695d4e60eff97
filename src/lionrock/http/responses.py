"""Fast JSON responses and the hub/principal dependencies both edges use."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from lionrock.access.model import Principal
from lionrock.access.throttle import client_key
from lionrock.http.auth import failed_logins, principal_for, remembered_principal
from lionrock.hub import Hub
from lionrock.hub.logins import record_failed_logins


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


async def caller(request: Request) -> Principal:
    """`principal` for hot async endpoints: a token that authenticated a moment ago is answered on
    the event loop, with no thread-pool hop; anything else goes to `principal` in the pool."""
    hub = hub_of(request)
    client = client_key(request.client.host if request.client else None)
    counter = failed_logins(request.app.state, hub.settings)
    header = request.headers.get("authorization")
    found = remembered_principal(hub, counter, client, header)
    if found is None:
        return await run_in_threadpool(principal_for, hub, counter, client, header)
    who, due = found
    if due:
        await run_in_threadpool(record_failed_logins, hub, due)
    return who
