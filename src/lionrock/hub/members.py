"""Members: organisations, sharing groups, tokens; and turning a token into a Principal."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.access.permissions import require_member_admin, require_token_issuer, require_token_revoker
from lionrock.errors import Conflict, Invalid, NotFound
from lionrock.hub.auditing import chain_key, record
from lionrock.hub.context import Hub
from lionrock.hub.logins import REVOKED_OR_EXPIRED, UNKNOWN, LoginFailed
from lionrock.store import audit, members
from lionrock.store.engine import read_transaction, write_transaction

TOKEN_PREFIX = "lr_"
_HOUR_US = 3_600_000_000
_DAY_US = 24 * _HOUR_US
IDENTITY_NAMESPACE = uuid.UUID("6f1c1a52-6a8e-4d0e-9a57-3f0d3c1a7e21")


@contextmanager
def _changing_principals(hub: Hub) -> Iterator[Connection]:
    """A write transaction that changes what some token stands for; remembered tokens are forgotten
    once it has committed (or failed), so the next request reads the tables (hub/token_cache.py)."""
    try:
        with write_transaction(hub.engine) as conn:
            yield conn
    finally:
        hub.tokens.clear()


def hash_secret(token: str) -> str:
    """Tokens are 256-bit random, so one SHA-256 is enough (no password stretching needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def org_identity_id(name: str) -> str:
    return f"identity--{uuid.uuid5(IDENTITY_NAMESPACE, name)}"


@dataclass(frozen=True)
class IssuedToken:
    id: int
    secret: str


_NAME_MAX = 200  # the orgs, sharing_groups and tokens name columns
_EXPIRES_MAX_DAYS = 36_500


def _name(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise Invalid(f"{what} needs a name")
    if len(value) > _NAME_MAX:
        raise Invalid(f"{what} name is longer than {_NAME_MAX} characters")
    return value


def add_org(hub: Hub, name: str, kind: OrgKind, actor: Principal | None = None) -> int:
    name = _name(name, "an organisation")
    require_member_admin(actor)
    with write_transaction(hub.engine) as conn:
        if members.org_by_name(conn, name):
            raise Conflict(f"organisation {name!r} already exists")
        now = hub.clock()
        org_id = members.add_org(conn, name, kind.value, org_identity_id(name), now)
        record(conn, hub, actor, "org.add", subject=name, detail={"kind": kind.value})
        return org_id


def add_group(hub: Hub, name: str, member_names: list[str], actor: Principal | None = None) -> int:
    name = _name(name, "a sharing group")
    require_member_admin(actor)
    with _changing_principals(hub) as conn:
        if members.group_by_name(conn, name):
            raise Conflict(f"sharing group {name!r} already exists")
        ids = set()
        for member in member_names:
            org = members.org_by_name(conn, member)
            if org is None:
                raise NotFound(f"no organisation named {member!r}")
            ids.add(org.id)
        now = hub.clock()
        gid = members.add_group(conn, name, now)
        members.set_group_members(conn, gid, ids)
        record(conn, hub, actor, "group.add", subject=name, detail={"members": sorted(member_names)})
        return gid


def add_group_member(hub: Hub, group_name: str, org_name: str, actor: Principal | None = None) -> None:
    """Add an organisation to a sharing group (operators): it sees what was shared with the group."""
    _change_membership(hub, group_name, org_name, actor, join=True)


def remove_group_member(hub: Hub, group_name: str, org_name: str, actor: Principal | None = None) -> None:
    """Take an organisation out of a sharing group (operators)."""
    _change_membership(hub, group_name, org_name, actor, join=False)


def _change_membership(hub: Hub, group_name: str, org_name: str, actor: Principal | None, join: bool) -> None:
    require_member_admin(actor)
    with _changing_principals(hub) as conn:
        group = members.group_by_name(conn, group_name)
        if group is None:
            raise NotFound(f"no sharing group named {group_name!r}")
        org = _org_named(conn, org_name)
        current = members.group_member_ids(conn, group[0])
        if join:
            if org.id in current:
                raise Conflict(f"{org_name!r} is already a member of {group_name!r}")
            members.add_group_member(conn, group[0], org.id)
        else:
            if org.id not in current:
                raise NotFound(f"{org_name!r} is not a member of {group_name!r}")
            members.remove_group_member(conn, group[0], org.id)
        action = "group.member.add" if join else "group.member.remove"
        record(conn, hub, actor, action, subject=group_name, detail={"org": org.name})


def create_token(
    hub: Hub,
    org_name: str,
    role: Role,
    name: str | None = None,
    expires_days: float | None = None,
    actor: Principal | None = None,
) -> IssuedToken:
    """Issue a token; the secret is returned once and only its hash is stored."""
    label = _token_label(role, name, expires_days)
    with write_transaction(hub.engine) as conn:
        return _issue(conn, hub, _org_named(conn, org_name), role, label, expires_days, actor)


def reissue_token(hub: Hub, org_name: str, role: Role, name: str) -> IssuedToken:
    """Revoke the organisation's live tokens called `name` and issue one new one, in one transaction:
    running a setup script again replaces its tokens instead of piling up valid ones."""
    label = _token_label(role, name, None)
    with _changing_principals(hub) as conn:
        org = _org_named(conn, org_name)
        now = hub.clock()
        for old in members.tokens_of(conn, org.id):
            if old.name == label and old.revoked is None:
                members.revoke_token(conn, old.id, now)
                record(conn, hub, None, "token.revoke", subject=str(old.id))
        return _issue(conn, hub, org, role, label, None, None)


def _token_label(role: Role, name: str | None, expires_days: float | None) -> str:
    if expires_days is not None and not 0 < expires_days <= _EXPIRES_MAX_DAYS:
        raise Invalid(f"expires must be a number of days above 0 and at most {_EXPIRES_MAX_DAYS}")
    return _name(name, "a token") if name is not None else f"{role.value} token"


def _org_named(conn: Connection, org_name: str) -> members.OrgRow:
    org = members.org_by_name(conn, org_name)
    if org is None:
        raise NotFound(f"no organisation named {org_name!r}")
    return org


def _issue(
    conn: Connection,
    hub: Hub,
    org: members.OrgRow,
    role: Role,
    label: str,
    expires_days: float | None,
    actor: Principal | None,
) -> IssuedToken:
    require_token_issuer(actor, org.id, OrgKind(org.kind), role)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = hub.clock()
    expires = now + int(expires_days * _DAY_US) if expires_days is not None else None
    token_id = members.add_token(
        conn,
        org_id=org.id,
        role=role.value,
        name=label,
        secret_hash=hash_secret(secret),
        prefix=secret[:10],
        now=now,
        expires=expires,
    )
    audit.append(
        conn,
        chain_key(hub, conn),
        at=now,
        org_id=_org(actor) or org.id,
        token_id=_tok(actor),
        user_id=actor.user_id if actor else None,
        action="token.create",
        subject=str(token_id),
        detail={"org": org.name, "role": role.value},
    )
    return IssuedToken(token_id, secret)


def revoke_token(hub: Hub, token_id: int, actor: Principal) -> None:
    with _changing_principals(hub) as conn:
        row = members.token_by_id(conn, token_id)
        require_token_revoker(actor, token_id, row.org_id if row else None)
        members.revoke_token(conn, token_id, hub.clock())
        record(conn, hub, actor, "token.revoke", subject=str(token_id))


def remembered(hub: Hub, secret: str) -> Principal | None:
    """The principal behind a token that authenticated a moment ago, without reading the database;
    None when it is not remembered (then `authenticate`)."""
    return hub.tokens.get(hash_secret(secret), hub.clock())


def authenticate(hub: Hub, secret: str) -> Principal:
    """The principal behind a token; unknown, expired and revoked tokens fail alike (LoginFailed).

    A failure writes nothing: the HTTP edge counts failures per client and audits one summary per
    window (hub/logins.py), so a flood of bad tokens costs no database writes. A success is
    remembered for `settings.token_cache_seconds` (hub/token_cache.py says when a revocation shows).
    """
    digest = hash_secret(secret)
    now = hub.clock()
    cached = hub.tokens.get(digest, now)
    if cached is not None:
        return cached
    generation = hub.tokens.generation
    with read_transaction(hub.engine) as conn:
        row = members.token_by_hash(conn, digest)
        org = members.org_by_id(conn, row.org_id) if row else None
        group_ids = members.groups_of(conn, row.org_id) if row else frozenset()
    if row is None:
        raise LoginFailed(UNKNOWN)
    if org is None or row.revoked is not None or (row.expires is not None and row.expires <= now):
        raise LoginFailed(REVOKED_OR_EXPIRED, row.id)
    if row.last_used is None or now - row.last_used > _HOUR_US:
        with write_transaction(hub.engine) as conn:  # token use is audited at most hourly per token
            members.touch_token(conn, row.id, now)
            audit.append(conn, chain_key(hub, conn), at=now, org_id=org.id, token_id=row.id, action="token.use")
    who = Principal(org.id, org.name, OrgKind(org.kind), Role(row.role), group_ids, row.id)
    until = now + hub.settings.token_cache_seconds * 1_000_000
    hub.tokens.put(digest, who, now, until if row.expires is None else min(until, row.expires), generation)
    return who


def _org(actor: Principal | None) -> int | None:
    return actor.org_id if actor else None


def _tok(actor: Principal | None) -> int | None:
    return actor.token_id if actor else None


def own_identity(hub: Hub, who: Principal) -> str:
    """The STIX identity id that stands for the caller's organisation."""
    with read_transaction(hub.engine) as conn:
        org = members.org_by_id(conn, who.org_id)
    return org.identity_id if org else org_identity_id(who.org_name)
