"""What every web response carries and every state-changing web request must prove.

- Headers: a strict Content-Security-Policy (no inline script, styles from the hub only, no framing),
  nosniff and no referrer to other sites, on every response under /web (errors and redirects too).
- CSRF: a signed-in form carries the session's CSRF secret; the sign-in form (no session yet) carries
  a pre-session token: a random nonce in a cookie and its HMAC under a per-process key in the form, so
  a forged cross-site form can neither read nor make a matching pair.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

WEB = "/web"
SESSION_COOKIE = "lr_session"
PRE_COOKIE = "lr_presession"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


class WebHeaders:
    """ASGI middleware: the security headers on every response whose path is under /web."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path != WEB and not path.startswith(WEB + "/"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PreSession:
    """Pre-session CSRF tokens for the sign-in form, under a key made per process."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def new_nonce(self) -> str:
        return secrets.token_urlsafe(24)

    def token_for(self, nonce: str) -> str:
        return hmac.new(self._key, b"presession:" + nonce.encode(), hashlib.sha256).hexdigest()

    def valid(self, nonce: str | None, token: str | None) -> bool:
        if not nonce or not token:
            return False
        return hmac.compare_digest(self.token_for(nonce).encode(), token.encode())
