"""Requests the hub refuses before routing: a NUL in the path or query string.

PostgreSQL text cannot hold NUL, and no identifier, name or filter the hub knows contains one, so
such a request is a 400 at the door instead of a database error deep inside a use case."""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

_MESSAGE = "NUL characters are not allowed in URLs"


class RefuseNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            taxii = str(scope.get("path", "")).startswith("/taxii2")
            body = (
                {"title": "Bad Request", "description": _MESSAGE, "http_status": "400"}
                if taxii
                else {"error": {"status": 400, "message": _MESSAGE}}
            )
            media = b"application/taxii+json;version=2.1" if taxii else b"application/json"
            await send({"type": "http.response.start", "status": 400, "headers": [(b"content-type", media)]})
            await send({"type": "http.response.body", "body": orjson.dumps(body)})
            return
        await self.app(scope, receive, send)


def _has_nul(scope: Scope) -> bool:
    raw = bytes(scope.get("raw_path") or b"") + b"?" + bytes(scope.get("query_string") or b"")
    return "\x00" in str(scope.get("path", "")) or b"\x00" in raw or b"%00" in raw
