"""Organisations, sharing groups and API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from lionrock.store.schema import group_members, groups, orgs, tokens


@dataclass(frozen=True)
class OrgRow:
    id: int
    name: str
    kind: str
    identity_id: str


@dataclass(frozen=True)
class TokenRow:
    id: int
    org_id: int
    role: str
    name: str
    prefix: str
    created: int
    expires: int | None
    revoked: int | None
    last_used: int | None


def add_org(conn: Connection, name: str, kind: str, identity_id: str, now: int) -> int:
    result = conn.execute(insert(orgs).values(name=name, kind=kind, identity_id=identity_id, created=now))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def all_orgs(conn: Connection) -> list[OrgRow]:
    return [
        OrgRow(*r)
        for r in conn.execute(select(orgs.c.id, orgs.c.name, orgs.c.kind, orgs.c.identity_id).order_by(orgs.c.id))
    ]


def orgs_with_identities(conn: Connection, identity_ids: set[str]) -> dict[str, int]:
    """Which of these STIX identity ids stand for member organisations (identity id -> org id)."""
    wanted = sorted(identity_ids)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            (str(i), int(o))
            for i, o in conn.execute(select(orgs.c.identity_id, orgs.c.id).where(orgs.c.identity_id.in_(chunk)))
        )
    return found


def org_by_name(conn: Connection, name: str) -> OrgRow | None:
    row = conn.execute(
        select(orgs.c.id, orgs.c.name, orgs.c.kind, orgs.c.identity_id).where(orgs.c.name == name)
    ).first()
    return OrgRow(*row) if row else None


def org_by_id(conn: Connection, org_id: int) -> OrgRow | None:
    row = conn.execute(
        select(orgs.c.id, orgs.c.name, orgs.c.kind, orgs.c.identity_id).where(orgs.c.id == org_id)
    ).first()
    return OrgRow(*row) if row else None


def add_group(conn: Connection, name: str, now: int) -> int:
    result = conn.execute(insert(groups).values(name=name, created=now))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def set_group_members(conn: Connection, group_id: int, org_ids: set[int]) -> None:
    conn.execute(delete(group_members).where(group_members.c.group_id == group_id))
    if org_ids:
        conn.execute(insert(group_members), [{"group_id": group_id, "org_id": o} for o in sorted(org_ids)])


def add_group_member(conn: Connection, group_id: int, org_id: int) -> None:
    conn.execute(insert(group_members).values(group_id=group_id, org_id=org_id))


def remove_group_member(conn: Connection, group_id: int, org_id: int) -> None:
    conn.execute(
        delete(group_members).where((group_members.c.group_id == group_id) & (group_members.c.org_id == org_id))
    )


def group_member_ids(conn: Connection, group_id: int) -> frozenset[int]:
    return frozenset(
        r[0] for r in conn.execute(select(group_members.c.org_id).where(group_members.c.group_id == group_id))
    )


def group_by_name(conn: Connection, name: str) -> tuple[int, str] | None:
    row = conn.execute(select(groups.c.id, groups.c.name).where(groups.c.name == name)).first()
    return (int(row[0]), str(row[1])) if row else None


def all_groups(conn: Connection) -> list[tuple[int, str, list[int]]]:
    members: dict[int, list[int]] = {}
    for gid, oid in conn.execute(select(group_members.c.group_id, group_members.c.org_id)):
        members.setdefault(gid, []).append(oid)
    return [
        (gid, name, sorted(members.get(gid, [])))
        for gid, name in conn.execute(select(groups.c.id, groups.c.name).order_by(groups.c.id))
    ]


def groups_of(conn: Connection, org_id: int) -> frozenset[int]:
    return frozenset(
        r[0] for r in conn.execute(select(group_members.c.group_id).where(group_members.c.org_id == org_id))
    )


def add_token(
    conn: Connection, *, org_id: int, role: str, name: str, secret_hash: str, prefix: str, now: int, expires: int | None
) -> int:
    result = conn.execute(
        insert(tokens).values(
            org_id=org_id, role=role, name=name, secret_hash=secret_hash, prefix=prefix, created=now, expires=expires
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


_TOKEN_COLS = (
    tokens.c.id,
    tokens.c.org_id,
    tokens.c.role,
    tokens.c.name,
    tokens.c.prefix,
    tokens.c.created,
    tokens.c.expires,
    tokens.c.revoked,
    tokens.c.last_used,
)


def token_by_hash(conn: Connection, secret_hash: str) -> TokenRow | None:
    row = conn.execute(select(*_TOKEN_COLS).where(tokens.c.secret_hash == secret_hash)).first()
    return TokenRow(*row) if row else None


def tokens_of(conn: Connection, org_id: int | None) -> list[TokenRow]:
    stmt = select(*_TOKEN_COLS).order_by(tokens.c.id)
    if org_id is not None:
        stmt = stmt.where(tokens.c.org_id == org_id)
    return [TokenRow(*r) for r in conn.execute(stmt)]


def token_by_id(conn: Connection, token_id: int) -> TokenRow | None:
    row = conn.execute(select(*_TOKEN_COLS).where(tokens.c.id == token_id)).first()
    return TokenRow(*row) if row else None


def revoke_token(conn: Connection, token_id: int, now: int) -> None:
    conn.execute(update(tokens).where(tokens.c.id == token_id).values(revoked=now))


def touch_token(conn: Connection, token_id: int, now: int) -> None:
    conn.execute(update(tokens).where(tokens.c.id == token_id).values(last_used=now))
