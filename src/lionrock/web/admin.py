"""/web/admin: org-admins manage their organisation's users and API tokens; operators also every
organisation's, and the organisations and sharing groups.

Every decision is the hub's (access.permissions through the use cases): this module only turns
forms into use-case calls and refusals into fixed messages. A user name or token id of another
organisation is refused exactly as an unknown one (the use cases answer NotFound for both), and the
messages never repeat what the form sent. Passwords and token secrets are shown once, on the page
that answers the POST (never in a URL), and never again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.access.permissions import grantable_roles
from lionrock.errors import Forbidden
from lionrock.hub import Hub, directory
from lionrock.hub import members as hub_members
from lionrock.hub import users as hub_users
from lionrock.web.context import N_, WebRefused, form, form_list, hub_of, page, page_router, principal, use_case, viewer
from lionrock.web.security import WEB

router = page_router()
ADMIN = f"{WEB}/admin"
T = TypeVar("T")

_DONE = {
    "disabled": N_("The user was disabled and their sessions have ended."),
    "revoked": N_("The token was revoked."),
    "org": N_("The organisation was added."),
    "group": N_("The sharing group was created."),
    "joined": N_("The organisation was added to the sharing group."),
    "left": N_("The organisation was removed from the sharing group."),
}
"""Messages after an action, chosen by a fixed key in the redirect (never text from the request)."""

NOT_ADMIN = N_("Administration is for org-admins and operators.")
NOT_ALLOWED = N_("Your role may not do this.")
NO_USER = N_("There is no such user in the organisations you manage.")
NO_TOKEN = N_("There is no such token in the organisations you manage.")
NO_ORG = N_("There is no such organisation.")
NO_GROUP = N_("There is no such sharing group, or the organisation is not a member of it.")
USER_EXISTS = N_("A user with that name already exists (user names are unique in the hub).")
ORG_EXISTS = N_("An organisation with that name already exists.")
GROUP_EXISTS = N_("A sharing group with that name already exists.")
ALREADY_MEMBER = N_("The organisation is already a member of that sharing group.")
BAD_ROLE = N_("Choose a role from the list.")
BAD_KIND = N_("Choose a kind of organisation from the list.")
BAD_TOKEN_ID = N_("A token id is a whole number.")
BAD_EXPIRY = N_("Expiry must be a number of days above 0 and at most 36500, or empty.")


@dataclass(frozen=True)
class AdminView:
    users: list[hub_users.UserView]
    tokens: list[directory.TokenView]
    roles: tuple[Role, ...]
    orgs: list[directory.OrgView]
    groups: list[directory.GroupView]


def _load(hub: Hub, who: Principal) -> AdminView:
    users = hub_users.list_users(hub, who)  # Forbidden for readers and analysts
    tokens = directory.tokens(hub, who)
    operator = who.role is Role.OPERATOR
    return AdminView(
        users,
        tokens,
        grantable_roles(who),
        directory.organisations(hub) if operator else [],
        directory.sharing_groups(hub, who) if operator else [],
    )


async def _call(
    fn: Callable[..., T], *args: Any, not_found: str = NO_USER, conflict: str = USER_EXISTS, **kwargs: Any
) -> T:
    """Run a use case; its refusal becomes an error page with a fixed message."""
    return await use_case(
        fn, *args, not_found=not_found, forbidden=NOT_ALLOWED, conflict=conflict, invalid_status=400, **kwargs
    )


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise WebRefused(400, BAD_ROLE) from exc


def _kind(value: str) -> OrgKind:
    try:
        return OrgKind(value)
    except ValueError as exc:
        raise WebRefused(400, BAD_KIND) from exc


def _expiry(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        days = float(value)
    except ValueError as exc:
        raise WebRefused(400, BAD_EXPIRY) from exc
    if not 0 < days <= 36_500:  # also refuses nan and inf
        raise WebRefused(400, BAD_EXPIRY)
    return days


def _done(key: str) -> Response:
    return RedirectResponse(f"{ADMIN}?done={key}", status_code=303)


def _admin(request: Request) -> Principal:
    """The signed-in principal, refused with a 403 page unless it administers something."""
    who = principal(request)
    if not grantable_roles(who):
        raise WebRefused(403, NOT_ADMIN)
    return who


@router.get("/admin")
async def admin_page(request: Request, done: str = "") -> Response:
    who = principal(request)
    try:
        view = await run_in_threadpool(_load, hub_of(request), who)
    except Forbidden as exc:
        raise WebRefused(403, NOT_ADMIN) from exc
    return page(
        request,
        "admin_home.html",
        "Administration",
        active="admin",
        view=view,
        operator=who.role is Role.OPERATOR,
        own_org=who.org_name,
        me=viewer(request).user.name,
        kinds=[k.value for k in OrgKind],
        done=_DONE.get(done, ""),
    )


@router.post("/admin/users")
async def add_user(request: Request) -> Response:
    who = _admin(request)
    fields = form(request)
    org = fields.get("org", "").strip() or who.org_name
    name = fields.get("name", "").strip()
    made = await _call(
        hub_users.add_user, hub_of(request), org, name, _role(fields.get("role", "")), who, not_found=NO_ORG
    )
    return page(
        request,
        "admin_once.html",
        "Password shown once",
        active="admin",
        what="password",
        name=name,
        target_org=org,
        secret=made.password,
    )


@router.post("/admin/users/password")
async def reset_password(request: Request) -> Response:
    who = _admin(request)
    name = form(request).get("name", "")
    made = await _call(hub_users.reset_password, hub_of(request), name, who)
    return page(
        request,
        "admin_once.html",
        "Password shown once",
        active="admin",
        what="password",
        name=name,
        secret=made.password,
    )


@router.post("/admin/users/disable")
async def disable_user(request: Request) -> Response:
    who = _admin(request)
    await _call(hub_users.disable_user, hub_of(request), form(request).get("name", ""), who)
    return _done("disabled")


@router.post("/admin/tokens")
async def issue_token(request: Request) -> Response:
    who = _admin(request)
    fields = form(request)
    org = fields.get("org", "").strip() or who.org_name
    role = _role(fields.get("role", ""))
    label = fields.get("label", "").strip() or None
    issued = await _call(
        hub_members.create_token,
        hub_of(request),
        org,
        role,
        label,
        _expiry(fields.get("expires_days", "")),
        actor=who,
        not_found=NO_ORG,
    )
    return page(
        request,
        "admin_once.html",
        "Token shown once",
        active="admin",
        what="token",
        name=label or f"{role.value} token",
        target_org=org,
        secret=issued.secret,
    )


@router.post("/admin/tokens/revoke")
async def revoke_token(request: Request) -> Response:
    who = _admin(request)
    raw = form(request).get("id", "").strip()
    if not raw.isdigit() or len(raw) > 18:
        raise WebRefused(400, BAD_TOKEN_ID)
    await _call(hub_members.revoke_token, hub_of(request), int(raw), who, not_found=NO_TOKEN)
    return _done("revoked")


@router.post("/admin/orgs")
async def add_org(request: Request) -> Response:
    who = _admin(request)
    fields = form(request)
    await _call(
        hub_members.add_org,
        hub_of(request),
        fields.get("name", ""),
        _kind(fields.get("kind", "")),
        who,
        conflict=ORG_EXISTS,
    )
    return _done("org")


@router.post("/admin/groups")
async def add_group(request: Request) -> Response:
    who = _admin(request)
    members = [m for m in form_list(request, "members") if m]
    await _call(
        hub_members.add_group,
        hub_of(request),
        form(request).get("name", ""),
        members,
        who,
        not_found=NO_ORG,
        conflict=GROUP_EXISTS,
    )
    return _done("group")


@router.post("/admin/groups/members")
async def add_group_member(request: Request) -> Response:
    who = _admin(request)
    fields = form(request)
    await _call(
        hub_members.add_group_member,
        hub_of(request),
        fields.get("group", ""),
        fields.get("org", ""),
        who,
        not_found=NO_GROUP,
        conflict=ALREADY_MEMBER,
    )
    return _done("joined")


@router.post("/admin/groups/members/remove")
async def remove_group_member(request: Request) -> Response:
    who = _admin(request)
    fields = form(request)
    await _call(
        hub_members.remove_group_member,
        hub_of(request),
        fields.get("group", ""),
        fields.get("org", ""),
        who,
        not_found=NO_GROUP,
    )
    return _done("left")
