"""Reading the member directory: organisations, sharing groups, tokens and audit entries, as the
caller may see them. One read transaction each; who may see what is decided in access.permissions."""

from __future__ import annotations

from dataclasses import dataclass

from lionrock.access.model import Audience, Principal
from lionrock.access.permissions import audit_scope, group_listed, token_scope
from lionrock.errors import Invalid
from lionrock.hub.context import Hub
from lionrock.store import audit, members
from lionrock.store.engine import read_transaction


@dataclass(frozen=True)
class OrgView:
    name: str
    kind: str
    identity: str


@dataclass(frozen=True)
class GroupView:
    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class TokenView:
    """What a token list shows: never the secret, nor its hash."""

    id: int
    org: str
    name: str
    role: str
    prefix: str
    expires: int | None
    revoked: bool


@dataclass(frozen=True)
class AuditView:
    seq: int
    at: int
    action: str
    subject: str | None
    detail: str


def organisations(hub: Hub) -> list[OrgView]:
    """Every member organisation (any member may list them; the CLI at the database too)."""
    with read_transaction(hub.engine) as conn:
        return [OrgView(o.name, o.kind, o.identity_id) for o in members.all_orgs(conn)]


def sharing_groups(hub: Hub, who: Principal) -> list[GroupView]:
    with read_transaction(hub.engine) as conn:
        names = {o.id: o.name for o in members.all_orgs(conn)}
        return [
            GroupView(name, tuple(names[m] for m in mids))
            for _, name, mids in members.all_groups(conn)
            if group_listed(who, frozenset(mids))
        ]


def tokens(hub: Hub, who: Principal) -> list[TokenView]:
    scope = token_scope(who)
    with read_transaction(hub.engine) as conn:
        names = {o.id: o.name for o in members.all_orgs(conn)}
        return [
            TokenView(t.id, names.get(t.org_id, ""), t.name, t.role, t.prefix, t.expires, t.revoked is not None)
            for t in members.tokens_of(conn, scope.org_id)
        ]


def audit_entries(hub: Hub, who: Principal, limit: int) -> list[AuditView]:
    """Newest first, the caller's own organisation's entries only."""
    org_id = audit_scope(who)
    with read_transaction(hub.engine) as conn:
        rows = audit.entries(conn, org_id=org_id, limit=limit)
    return [AuditView(e.seq, e.at, e.action, e.subject, e.detail) for e in rows]


def audience_by_names(hub: Hub, community: bool, group_names: list[str], org_names: list[str]) -> Audience:
    """An audience given by names, as ids; an unknown name is a 422 naming it."""
    group_ids, org_ids = set(), set()
    with read_transaction(hub.engine) as conn:
        for name in group_names:
            group = members.group_by_name(conn, name)
            if group is None:
                raise Invalid(f"no sharing group named {name!r}")
            group_ids.add(group[0])
        for name in org_names:
            org = members.org_by_name(conn, name)
            if org is None:
                raise Invalid(f"no organisation named {name!r}")
            org_ids.add(org.id)
    return Audience(community, frozenset(group_ids), frozenset(org_ids))


def audit_check(hub: Hub) -> tuple[tuple[int, str] | None, int]:
    """(first broken link or None, number of entries) for `lionrock audit verify`."""
    with read_transaction(hub.engine) as conn:
        return audit.first_broken(conn), len(audit.entries(conn, limit=10**9))
