"""Server-side web sessions: the cookie holds a random id, the table only its SHA-256.

A session ends after `web_session_idle` seconds unused or `web_session_absolute` seconds after
sign-in, whichever comes first; every sign-in makes a new id (no session fixation); sign-out deletes it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.hub.users import User, check_password, user_principal
from lionrock.store import users as store
from lionrock.store.engine import read_transaction, write_transaction

_SECOND_US = 1_000_000
_TOUCH_US = 30 * _SECOND_US
"""last_seen is written at most this often per session (reads stay reads)."""


@dataclass(frozen=True)
class Session:
    cookie: str
    """The value for the browser; never stored."""
    csrf: str
    user: User

    def csrf_ok(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(self.csrf.encode(), (sent or "").encode())


def _digest(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def sign_in(hub: Hub, name: str, password: str, previous: str | None = None) -> Session:
    """Check the password and open a new session (the previous one, if any, is deleted)."""
    user = check_password(hub, name, password)
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = hub.clock()
    with write_transaction(hub.engine) as conn:
        if previous:
            store.delete_session(conn, _digest(previous))
        store.delete_stale_sessions(conn, idle_before=now - _idle_us(hub), created_before=now - _absolute_us(hub))
        store.add_session(conn, id_hash=_digest(cookie), user_id=user.id, csrf=csrf, now=now)
        record(conn, hub, user.principal, "web.sign_in", subject=user.name)
    return Session(cookie, csrf, user)


def session(hub: Hub, cookie: str | None) -> Session | None:
    """The live session behind a cookie; None when unknown, expired or its user disabled."""
    if not cookie:
        return None
    digest = _digest(cookie)
    now = hub.clock()
    with read_transaction(hub.engine) as conn:
        row = store.session_by_hash(conn, digest)
    if row is None:
        return None
    if now - row.last_seen >= _idle_us(hub) or now - row.created >= _absolute_us(hub):
        with write_transaction(hub.engine) as conn:
            store.delete_session(conn, digest)
        return None
    user = user_principal(hub, row.user_id)
    if user is None:
        return None
    if now - row.last_seen >= _TOUCH_US:
        with write_transaction(hub.engine) as conn:
            store.touch_session(conn, digest, now)
    return Session(cookie, row.csrf, user)


def sign_out(hub: Hub, current: Session) -> None:
    with write_transaction(hub.engine) as conn:
        store.delete_session(conn, _digest(current.cookie))
        record(conn, hub, current.user.principal, "web.sign_out", subject=current.user.name)


def _idle_us(hub: Hub) -> int:
    return hub.settings.web_session_idle * _SECOND_US


def _absolute_us(hub: Hub) -> int:
    return hub.settings.web_session_absolute * _SECOND_US
