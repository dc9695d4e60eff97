"""Web users and their server-side sessions; and how many objects a Visibility reaches."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, distinct, func, insert, select, update

from lionrock.access.policy import Visibility
from lionrock.store.schema import objects, users, web_sessions
from lionrock.store.visibility_sql import visible


@dataclass(frozen=True)
class UserRow:
    id: int
    org_id: int
    name: str
    role: str
    password_hash: str
    disabled: int | None
    language: str | None


@dataclass(frozen=True)
class UserSummary:
    """What a user list shows: never the password hash."""

    id: int
    org_id: int
    name: str
    role: str
    disabled: int | None
    created: int


@dataclass(frozen=True)
class SessionRow:
    user_id: int
    created: int
    last_seen: int
    csrf: str


_USER_COLS = (
    users.c.id,
    users.c.org_id,
    users.c.name,
    users.c.role,
    users.c.password_hash,
    users.c.disabled,
    users.c.language,
)


def add_user(conn: Connection, *, org_id: int, name: str, role: str, password_hash: str, now: int) -> int:
    result = conn.execute(
        insert(users).values(org_id=org_id, name=name, role=role, password_hash=password_hash, created=now)
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def user_by_name(conn: Connection, name: str) -> UserRow | None:
    row = conn.execute(select(*_USER_COLS).where(users.c.name == name)).first()
    return UserRow(*row) if row else None


def user_by_id(conn: Connection, user_id: int) -> UserRow | None:
    row = conn.execute(select(*_USER_COLS).where(users.c.id == user_id)).first()
    return UserRow(*row) if row else None


def users_of(conn: Connection, org_id: int | None) -> list[UserSummary]:
    """One organisation's users (every user when org_id is None), by name."""
    stmt = select(users.c.id, users.c.org_id, users.c.name, users.c.role, users.c.disabled, users.c.created).order_by(
        users.c.name
    )
    if org_id is not None:
        stmt = stmt.where(users.c.org_id == org_id)
    return [UserSummary(*r) for r in conn.execute(stmt)]


def user_names(conn: Connection, org_id: int, user_ids: set[int]) -> dict[int, str]:
    """The names of the given users that belong to one organisation (others are left out)."""
    if not user_ids:
        return {}
    stmt = select(users.c.id, users.c.name).where(users.c.org_id == org_id, users.c.id.in_(sorted(user_ids)))
    return {int(r.id): str(r.name) for r in conn.execute(stmt)}


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def set_language(conn: Connection, user_id: int, language: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(language=language))


def end_sessions(conn: Connection, user_id: int) -> None:
    conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))


def disable_user(conn: Connection, user_id: int, now: int) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(disabled=now))
    conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))


def add_session(conn: Connection, *, id_hash: str, user_id: int, csrf: str, now: int) -> None:
    conn.execute(insert(web_sessions).values(id_hash=id_hash, user_id=user_id, created=now, last_seen=now, csrf=csrf))


def session_by_hash(conn: Connection, id_hash: str) -> SessionRow | None:
    row = conn.execute(
        select(web_sessions.c.user_id, web_sessions.c.created, web_sessions.c.last_seen, web_sessions.c.csrf).where(
            web_sessions.c.id_hash == id_hash
        )
    ).first()
    return SessionRow(*row) if row else None


def touch_session(conn: Connection, id_hash: str, now: int) -> None:
    conn.execute(update(web_sessions).where(web_sessions.c.id_hash == id_hash).values(last_seen=now))


def delete_session(conn: Connection, id_hash: str) -> None:
    conn.execute(delete(web_sessions).where(web_sessions.c.id_hash == id_hash))


def delete_stale_sessions(conn: Connection, *, idle_before: int, created_before: int) -> None:
    conn.execute(
        delete(web_sessions).where((web_sessions.c.last_seen < idle_before) | (web_sessions.c.created < created_before))
    )


def count_visible_objects(conn: Connection, vis: Visibility) -> int:
    """Distinct object ids with at least one version the reader may see."""
    return int(conn.execute(select(func.count(distinct(objects.c.stix_id))).where(visible(vis))).scalar_one())
