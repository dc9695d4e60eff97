"""Reading the member directory: organisations, sharing groups, tokens and audit entries, as the
caller may see them. One read transaction each; who may see what is decided in access.permissions."""

from __future__ import annotations

from dataclasses import dataclass

from lionrock.access.model import Principal
from lionrock.access.permissions import AuditScope, audit_view, group_listed, token_scope
from lionrock.hub.context import Hub
from lionrock.store import audit, members
from lionrock.store import users as user_store
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
    user: str | None = None
    """The name of the web user who acted, where known (own organisation only)."""


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
    """Newest first, the entries the caller may read (access.permissions.audit_view)."""
    scope = audit_view(who)
    with read_transaction(hub.engine) as conn:
        rows = audit.entries(conn, org_id=scope.org_id, user_id=scope.user_id, limit=limit)
    return [AuditView(e.seq, e.at, e.action, e.subject, e.detail) for e in rows]


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditView]
    older: int | None
    """The `before` for the next (older) page; None on the last page."""
    own: bool = False
    """True when the page holds only the caller's own entries (a reader or analyst web user)."""


def audit_page(hub: Hub, who: Principal, before: int | None, limit: int) -> AuditPage:
    """One page of the entries the caller may read (its organisation's, or a reader's or analyst's
    own), newest first, older than seq `before`, with the acting users' names."""
    scope: AuditScope = audit_view(who)
    with read_transaction(hub.engine) as conn:
        rows = audit.entries(conn, org_id=scope.org_id, user_id=scope.user_id, limit=limit + 1, before=before)
        more, rows = len(rows) > limit, rows[:limit]
        names = user_store.user_names(conn, scope.org_id, {e.user_id for e in rows if e.user_id is not None})
    shown = [
        AuditView(e.seq, e.at, e.action, e.subject, e.detail, names.get(e.user_id) if e.user_id else None) for e in rows
    ]
    return AuditPage(shown, shown[-1].seq if more else None, own=scope.user_id is not None)
