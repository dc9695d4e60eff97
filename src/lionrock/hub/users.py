"""Web users: made and disabled by admins, passwords stored only as argon2id hashes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.access.permissions import require_user_admin, user_scope
from lionrock.access.policy import visibility_for
from lionrock.errors import Conflict, Invalid, NotFound, Unauthorized
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.store import members
from lionrock.store import users as store
from lionrock.store.engine import read_transaction, write_transaction

HASHER = PasswordHasher()
_NAME_MAX = 200
# verified against when the user is unknown, so that the answer takes as long as for a real user
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))

UNKNOWN_USER = "unknown user"
WRONG_PASSWORD = "wrong password"
DISABLED = "disabled user"


class PasswordRejected(Unauthorized):
    """A sign-in that failed. The message is the same for every reason (no oracle); `reason` is for
    the failed-login summary only."""

    def __init__(self, reason: str) -> None:
        super().__init__("wrong user name or password")
        self.reason = reason


@dataclass(frozen=True)
class NewUser:
    id: int
    password: str
    """Shown once; only its argon2 hash is stored."""


LANGUAGES = ("en", "zh-HK")
"""Interface languages a user may choose; the first is the default."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    principal: Principal
    language: str = LANGUAGES[0]


def add_user(hub: Hub, org_name: str, name: str, role: Role, actor: Principal | None = None) -> NewUser:
    """A user with a generated password (returned once)."""
    name = name.strip()
    if not name or len(name) > _NAME_MAX:
        raise Invalid(f"a user needs a name of 1 to {_NAME_MAX} characters")
    password = secrets.token_urlsafe(18)
    password_hash = HASHER.hash(password)
    with write_transaction(hub.engine) as conn:
        org = members.org_by_name(conn, org_name)
        if org is None:
            raise NotFound(f"no organisation named {org_name!r}")
        require_user_admin(actor, org.id, OrgKind(org.kind), role)
        if store.user_by_name(conn, name):
            raise Conflict(f"user {name!r} already exists")
        user_id = store.add_user(
            conn, org_id=org.id, name=name, role=role.value, password_hash=password_hash, now=hub.clock()
        )
        record(conn, hub, actor, "user.add", subject=name, detail={"org": org.name, "role": role.value})
    return NewUser(user_id, password)


def disable_user(hub: Hub, name: str, actor: Principal | None = None) -> None:
    """Disable a user and end its sessions. A user of another organisation is 'not found' to org-admins."""
    with write_transaction(hub.engine) as conn:
        row = _managed_user(conn, name, actor)
        store.disable_user(conn, row.id, hub.clock())
        record(conn, hub, actor, "user.disable", subject=name)


def reset_password(hub: Hub, name: str, actor: Principal | None = None) -> NewUser:
    """A new generated password for an existing user (returned once); its sessions end, so the old
    password and every open session stop working. A user of another organisation is 'not found' to
    org-admins, as an unknown name is; unlike `ensure_user` this never creates a user."""
    password = secrets.token_urlsafe(18)
    password_hash = HASHER.hash(password)
    with write_transaction(hub.engine) as conn:
        row = _managed_user(conn, name, actor)
        store.set_password_hash(conn, row.id, password_hash)
        store.end_sessions(conn, row.id)
        record(conn, hub, actor, "user.password.reset", subject=name)
    return NewUser(row.id, password)


def _managed_user(conn: Connection, name: str, actor: Principal | None) -> store.UserRow:
    """The user an actor acts on, after the user-admin rule; another organisation's user is NotFound
    (not Forbidden) to non-operators, so that names reveal nothing."""
    row = store.user_by_name(conn, name)
    if row is None or (actor is not None and actor.role is not Role.OPERATOR and actor.org_id != row.org_id):
        raise NotFound(f"no user {name!r}")
    org = members.org_by_id(conn, row.org_id)
    if org is None:
        raise NotFound(f"no user {name!r}")
    require_user_admin(actor, org.id, OrgKind(org.kind), Role(row.role))
    return row


@dataclass(frozen=True)
class UserView:
    """What a user list shows: never the password or its hash."""

    name: str
    org: str
    role: str
    disabled: int | None
    created: int


def list_users(hub: Hub, who: Principal) -> list[UserView]:
    """An org-admin's own organisation's users, an operator's every user (by name); others Forbidden."""
    scope = user_scope(who)
    with read_transaction(hub.engine) as conn:
        names = {o.id: o.name for o in members.all_orgs(conn)}
        rows = store.users_of(conn, scope.org_id)
    return [UserView(u.name, names.get(u.org_id, ""), u.role, u.disabled, u.created) for u in rows]


def ensure_user(hub: Hub, org_name: str, name: str, role: Role, actor: Principal | None = None) -> NewUser:
    """The user with a fresh generated password (returned once): created if absent, otherwise its
    password replaced and its sessions ended, so an earlier password stops working. For demo data
    and for an operator who resets a user's password."""
    with read_transaction(hub.engine) as conn:
        row = store.user_by_name(conn, name.strip())
    if row is None:
        return add_user(hub, org_name, name, role, actor)
    password = secrets.token_urlsafe(18)
    with write_transaction(hub.engine) as conn:
        org = members.org_by_id(conn, row.org_id)
        if org is None or org.name != org_name:
            raise Conflict(f"user {name!r} belongs to another organisation")
        require_user_admin(actor, org.id, OrgKind(org.kind), Role(row.role))
        store.set_password_hash(conn, row.id, HASHER.hash(password))
        store.end_sessions(conn, row.id)
        record(conn, hub, actor, "user.password.reset", subject=name)
    return NewUser(row.id, password)


def check_password(hub: Hub, name: str, password: str) -> User:
    """The user behind a name and password, or PasswordRejected (unknown, wrong and disabled alike)."""
    with read_transaction(hub.engine) as conn:
        row = store.user_by_name(conn, name)
    try:
        HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError) as exc:
        raise PasswordRejected(WRONG_PASSWORD if row else UNKNOWN_USER) from exc
    if row is None:
        raise PasswordRejected(UNKNOWN_USER)
    if row.disabled is not None:
        raise PasswordRejected(DISABLED)
    if HASHER.check_needs_rehash(row.password_hash):
        with write_transaction(hub.engine) as conn:
            store.set_password_hash(conn, row.id, HASHER.hash(password))
    who = user_principal(hub, row.id)
    if who is None:
        raise PasswordRejected(DISABLED)
    return who


def user_principal(hub: Hub, user_id: int) -> User | None:
    """The Principal a live user acts as (the same type tokens give); None when gone or disabled."""
    with read_transaction(hub.engine) as conn:
        row = store.user_by_id(conn, user_id)
        org = members.org_by_id(conn, row.org_id) if row else None
        group_ids = members.groups_of(conn, row.org_id) if row else frozenset()
    if row is None or org is None or row.disabled is not None:
        return None
    who = Principal(org.id, org.name, OrgKind(org.kind), Role(row.role), group_ids, user_id=row.id)
    language = row.language if row.language in LANGUAGES else LANGUAGES[0]
    return User(row.id, row.name, who, language)


def set_language(hub: Hub, user: User, language: str) -> None:
    """A user chooses their own interface language."""
    if language not in LANGUAGES:
        raise Invalid(f"language must be one of {', '.join(LANGUAGES)}")
    with write_transaction(hub.engine) as conn:
        store.set_language(conn, user.id, language)


def visible_object_count(hub: Hub, who: Principal) -> int:
    """How many objects the principal may see, through the policy's Visibility."""
    with read_transaction(hub.engine) as conn:
        return store.count_visible_objects(conn, visibility_for(who))
