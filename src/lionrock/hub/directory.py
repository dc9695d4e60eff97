"""Reading the member directory: organisations, sharing groups, tokens and audit entries, as the
caller may see them. One read transaction each; who may see what is decided in access.permissions."""

from __future__ import annotations

from dataclasses import dataclass

from lionrock.access.model import Principal
from lionrock.access.permissions import audit_scope, group_listed, token_scope
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
    created: int
    last_used: int | None


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
            TokenView(
                t.id,
                names.get(t.org_id, ""),
                t.name,
                t.role,
                t.prefix,
                t.expires,
                t.revoked is not None,
                t.created,
                t.last_used,
            )
            for t in members.tokens_of(conn, scope.org_id)
        ]


def audit_entries(hub: Hub, who: Principal, limit: int) -> list[AuditView]:
    """Newest first, the caller's own organisation's entries only."""
    org_id = audit_scope(who)
    with read_transaction(hub.engine) as conn:
        rows = audit.entries(conn, org_id=org_id, limit=limit)
    return [AuditView(e.seq, e.at, e.action, e.subject, e.detail) for e in rows]


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditView]
    older: int | None
    """The `before` for the next (older) page; None on the last page."""


def audit_page(hub: Hub, who: Principal, before: int | None, limit: int) -> AuditPage:
    """One page of the caller's own organisation's entries, newest first, older than seq `before`."""
    org_id = audit_scope(who)
    with read_transaction(hub.engine) as conn:
        rows = audit.entries(conn, org_id=org_id, limit=limit + 1, before=before)
    shown = [AuditView(e.seq, e.at, e.action, e.subject, e.detail) for e in rows[:limit]]
    return AuditPage(shown, shown[-1].seq if len(rows) > limit else None)
