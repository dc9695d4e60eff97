"""Who may do what with the hub's members, tokens and audit log: every role decision, in one pure module.

Handlers and use cases ask here and decide nothing themselves. `actor=None` is an operator at the
database (the CLI on the hub's own machine), who is trusted with member administration.
What a principal may *read* of the shared objects is the policy's job (access/policy.py), not this one's.
"""

from __future__ import annotations

from dataclasses import dataclass

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.errors import Forbidden, Invalid, NotFound


@dataclass(frozen=True)
class TokenScope:
    """Whose tokens a principal may list: one organisation's, or (org_id None) everyone's."""

    org_id: int | None


def require_publisher(who: Principal) -> None:
    """Readers read; analysts and org-admins publish."""
    if not who.role.may_publish:
        raise Forbidden("this token may only read; publishing needs an analyst or org-admin token")


def require_member_admin(actor: Principal | None) -> None:
    """Organisations and sharing groups are managed by operators only."""
    if actor is not None and actor.role is not Role.OPERATOR:
        raise Forbidden("only operators manage organisations and sharing groups")


def require_token_issuer(actor: Principal | None, org_id: int, org_kind: OrgKind, role: Role) -> None:
    """An operator issues tokens for any organisation, an org-admin for its own; operator tokens exist
    only in operator organisations and only operators (or the database operator) issue them."""
    _require_credential_issuer(actor, org_id, org_kind, role, "tokens")


def _require_credential_issuer(actor: Principal | None, org_id: int, org_kind: OrgKind, role: Role, what: str) -> None:
    """One rule for every credential an organisation acts through (tokens, web users)."""
    if role is Role.OPERATOR and org_kind is not OrgKind.OPERATOR:
        raise Invalid(f"operator {what} exist only in operator organisations")
    if actor is None or actor.role is Role.OPERATOR:
        return
    if actor.role is not Role.ORG_ADMIN or actor.org_id != org_id:
        raise Forbidden(f"only an operator, or an org-admin for their own organisation, manages {what}")
    if role is Role.OPERATOR:
        raise Forbidden(f"only an operator may make operator {what}")


def token_scope(who: Principal) -> TokenScope:
    """Org-admins list their own organisation's tokens, operators everyone's; others none."""
    if not who.role.manages_own_org:
        raise Forbidden("only org-admins and operators list tokens")
    return TokenScope(None if who.role is Role.OPERATOR else who.org_id)


def require_token_revoker(actor: Principal, token_id: int, token_org_id: int | None) -> None:
    """A token of another organisation is 'not found' to non-operators, so ids reveal nothing."""
    if token_org_id is None or (actor.role is not Role.OPERATOR and token_org_id != actor.org_id):
        raise NotFound(f"no token {token_id}")
    if not actor.role.manages_own_org:
        raise Forbidden("only org-admins and operators revoke tokens")


def group_listed(who: Principal, member_org_ids: frozenset[int]) -> bool:
    """Operators see every sharing group; a member sees the groups it belongs to."""
    return who.role is Role.OPERATOR or who.org_id in member_org_ids


@dataclass(frozen=True)
class AuditScope:
    """Which audit entries a principal may read: its own organisation's, and when user_id is set,
    only those that web user made themself."""

    org_id: int
    user_id: int | None = None


def audit_view(who: Principal) -> AuditScope:
    """Org-admins and operators read their own organisation's entries (so that anonymous submissions
    of others stay anonymous, operators included); a reader or analyst signed in as a web user reads
    only the entries they made themself; a reader or analyst token reads none."""
    if who.role.manages_own_org:
        return AuditScope(who.org_id)
    if who.user_id is None:
        raise Forbidden("only org-admins and operators read the audit log")
    return AuditScope(who.org_id, who.user_id)


def require_user_admin(actor: Principal | None, org_id: int, org_kind: OrgKind, role: Role) -> None:
    """Web users follow the token rules: an operator (or the database operator) manages users of any
    organisation, an org-admin those of its own; operator users exist only in operator organisations
    and only operators make them."""
    _require_credential_issuer(actor, org_id, org_kind, role, "users")


def user_scope(who: Principal) -> TokenScope:
    """Whose web users a principal may list: the token rule (org-admins their own organisation's,
    operators everyone's, others none)."""
    if not who.role.manages_own_org:
        raise Forbidden("only org-admins and operators list users")
    return TokenScope(None if who.role is Role.OPERATOR else who.org_id)


def grantable_roles(actor: Principal) -> tuple[Role, ...]:
    """The roles an actor may give a user or token of an organisation it manages (what a form offers;
    `_require_credential_issuer` still decides each request): operators every role (operator only in
    operator organisations), org-admins every role but operator, others none."""
    if actor.role is Role.OPERATOR:
        return tuple(Role)
    if actor.role is Role.ORG_ADMIN:
        return tuple(r for r in Role if r is not Role.OPERATOR)
    return ()


KEY_ACTIONS = ("rotate", "retire", "create", "withdraw")
"""What the web offers on keys. Destroying a hub key (one no organisation owns) stays at the CLI."""


def key_scope(who: Principal) -> TokenScope:
    """Whose keys a principal may see: operators every key, org-admins their organisation's own keys
    (never the hub's), others none."""
    if not who.role.manages_own_org:
        raise Forbidden("only org-admins and operators see keys")
    return TokenScope(None if who.role is Role.OPERATOR else who.org_id)


def require_key_action(who: Principal, action: str, key_id: int, key_org_id: int | None) -> None:
    """Operators rotate and retire any key; an org-admin creates and withdraws (crypto-shreds) its own
    organisation's keys and nothing else. A key an org-admin may not see is 'not found', so ids reveal
    nothing; destroying a hub key is never a web action."""
    scope = key_scope(who)
    if scope.org_id is not None and key_org_id != scope.org_id:
        raise NotFound(f"no key {key_id}")
    if action in ("rotate", "retire"):
        if who.role is not Role.OPERATOR:
            raise Forbidden("only operators rotate and retire keys")
        return
    if action in ("create", "withdraw"):
        if who.role is not Role.ORG_ADMIN or key_org_id != who.org_id:
            raise Forbidden("only an org-admin creates and withdraws its own organisation's keys")
        return
    raise Invalid(f"no key action {action[:40]!r}")
