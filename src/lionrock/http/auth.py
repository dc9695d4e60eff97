"""Credentials → Principal. Bearer tokens, or HTTP Basic with any user name and the token as password.

Failed logins are throttled here, per client (access/throttle.py): a locked-out client gets 429 with
Retry-After before the database is touched (tokens that worked recently still pass), and failures
reach the audit log as one summary per client per window, written when the window has closed (on
whichever request comes next).
"""

from __future__ import annotations

import base64
import binascii
import threading

from starlette.datastructures import State
from starlette.exceptions import HTTPException

from lionrock.access.model import Principal
from lionrock.access.throttle import FailedLogins, FailureSummary, ThrottleRules, fingerprint, token_hint
from lionrock.errors import Unauthorized
from lionrock.hub import Hub
from lionrock.hub.logins import MALFORMED, LoginFailed, record_failed_logins
from lionrock.hub.members import authenticate, remembered
from lionrock.settings import Settings

_SECOND_US = 1_000_000
_MAKING = threading.Lock()


def token_from_header(header: str | None) -> str:
    if not header:
        raise Unauthorized("send a token: 'Authorization: Bearer <token>' or HTTP Basic with the token as password")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme == "bearer" and value:
        return value
    if scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise Unauthorized("malformed Basic credentials") from exc
        _, sep, password = decoded.partition(":")
        if sep and password:
            return password
    raise Unauthorized("unsupported Authorization header; use Bearer or Basic")


def rules(settings: Settings) -> ThrottleRules:
    return ThrottleRules(
        limit=settings.login_failure_limit,
        window_us=settings.login_failure_window * _SECOND_US,
        lockout_us=settings.login_lockout * _SECOND_US,
    )


def failed_logins(state: State, settings: Settings) -> FailedLogins:
    """The app's one failure counter, made on first use (the app holds it, so tests get a fresh one)."""
    counter: FailedLogins | None = getattr(state, "failed_logins", None)
    if counter is None:
        with _MAKING:
            counter = getattr(state, "failed_logins", None)
            if counter is None:
                counter = state.failed_logins = FailedLogins(rules(settings))
    return counter


def principal_for(hub: Hub, counter: FailedLogins, client: str, header: str | None) -> Principal:
    """The caller behind `header`, or 401; 429 while `client` is locked out (unless the token worked
    recently). Sending no credentials at all is no failure: clients often try without, then answer
    the challenge."""
    now = hub.clock()
    try:
        try:
            secret = token_from_header(header)
        except Unauthorized:
            if header:
                _refuse_if_locked(counter, client, now, None)
                counter.failed(client, now, MALFORMED)
            raise
        credential = fingerprint(secret)
        _refuse_if_locked(counter, client, now, credential)
        try:
            who = authenticate(hub, secret)
        except LoginFailed as exc:
            counter.failed(client, now, exc.reason, token_hint(secret, exc.token_id), credential)
            raise
        counter.succeeded(credential)
        return who
    finally:
        record_failed_logins(hub, counter.due(now))


def remembered_principal(
    hub: Hub, counter: FailedLogins, client: str, header: str | None
) -> tuple[Principal, list[FailureSummary]] | None:
    """What `principal_for` answers, when that needs no database: the token authenticated a moment
    ago (hub/token_cache.py). Also the failed-login summaries now due, for the caller to record.
    None: call `principal_for`. A locked-out client is refused (429) exactly as there."""
    if not header:
        return None
    try:
        secret = token_from_header(header)
    except Unauthorized:
        return None
    who = remembered(hub, secret)
    if who is None:
        return None
    now = hub.clock()
    credential = fingerprint(secret)
    _refuse_if_locked(counter, client, now, credential)
    counter.succeeded(credential)
    return who, counter.due(now)


def _refuse_if_locked(counter: FailedLogins, client: str, now: int, credential: bytes | None) -> None:
    wait = counter.retry_after(client, now, credential)
    if wait is not None:
        message = f"too many failed logins from this address; retry in {wait} s"
        raise HTTPException(429, message, headers={"Retry-After": str(wait)})
