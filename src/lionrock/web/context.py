"""What every page route shares: the CSRF guard, the signed-in viewer, and `page()` which renders a
template with the navigation, the CSRF token and the viewer's language.

Every route sits behind `guard`: it resolves the session cookie and refuses (403) any state-changing
request without the CSRF token that belongs to it, so a route added later cannot forget the check.
Page modules make their router with `page_router()` so the guard is always there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.errors import Conflict, Forbidden, Invalid, LionrockError, NotFound
from lionrock.hub import Hub
from lionrock.hub.web_sessions import Session, session
from lionrock.web.pages import gettext_for, render
from lionrock.web.security import CSRF_FIELD, CSRF_HEADER, PRE_COOKIE, SESSION_COOKIE, STATE_CHANGING, WEB, PreSession

_FORM_MAX = 16 * 1024
_FORM_FIELDS_MAX = 200


def N_(message: str) -> str:
    """Marks a string for the catalogue; it is translated where it is shown."""
    return message


class WebRefused(Exception):
    """A web request refused before or inside its handler; shown as an error page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SignInRequired(Exception):
    """No live session: the browser is sent to the sign-in page."""


def hub_of(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


def presession_of(request: Request) -> PreSession:
    pre: PreSession = request.app.state.web_presession
    return pre


async def guard(request: Request) -> None:
    """Resolve the session; on POST/PUT/PATCH/DELETE demand the CSRF token (form field or header)
    tied to it, or for the sign-in form the pre-session token tied to its cookie.

    Forms are parsed here, bounded, into `request.state.form`: url-encoded ones from the body,
    multipart ones (uploads) through Starlette with one file at most and the body no larger than
    `max_content_length`; the route reads the file with `await request.form()` (cached)."""
    hub = hub_of(request)
    request.state.web_session = await run_in_threadpool(session, hub, request.cookies.get(SESSION_COOKIE))
    request.state.form = {}
    if request.method not in STATE_CHANGING:
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type == "multipart/form-data":
        declared = request.headers.get("content-length", "")
        if not declared.isdigit() or int(declared) > hub.settings.max_content_length:
            raise WebRefused(413, "the upload is too large or its size was not given")
        multipart = await request.form(max_files=1, max_fields=_FORM_FIELDS_MAX)
        request.state.form = {k: v for k, v in multipart.items() if isinstance(v, str)}
        check_csrf(request, request.headers.get(CSRF_HEADER) or request.state.form.get(CSRF_FIELD))
        return
    body = await request.body()
    if len(body) > _FORM_MAX:
        raise WebRefused(413, "the form is too large")
    if content_type == "application/x-www-form-urlencoded":
        try:
            parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=_FORM_FIELDS_MAX)
        except ValueError as exc:  # more fields than any page has
            raise WebRefused(413, "the form has too many fields") from exc
        request.state.form = {k: v[0] for k, v in parsed.items()}
        request.state.form_lists = parsed
    check_csrf(request, request.headers.get(CSRF_HEADER) or request.state.form.get(CSRF_FIELD))


def check_csrf(request: Request, sent: str | None) -> None:
    current: Session | None = request.state.web_session
    if request.url.path == f"{WEB}/login":
        ok = presession_of(request).valid(request.cookies.get(PRE_COOKIE), sent)
    else:
        ok = current is not None and current.csrf_ok(sent)
    if not ok:
        raise WebRefused(403, "this form has expired or did not come from this site; reload the page and try again")


T = TypeVar("T")


async def use_case(
    fn: Callable[..., T],
    *args: Any,
    not_found: str | None = None,
    forbidden: str | None = None,
    conflict: str | None = None,
    invalid_status: int | None = None,
    **kwargs: Any,
) -> T:
    """A hub use case off the event loop; its refusal becomes an error page. A page passes fixed
    messages for the refusals whose own message could tell hidden from absent (or repeat input)."""
    try:
        return await run_in_threadpool(fn, *args, **kwargs)
    except NotFound as exc:
        raise WebRefused(404, not_found or exc.message) from exc
    except Forbidden as exc:
        raise WebRefused(403, forbidden or exc.message) from exc
    except Conflict as exc:
        raise WebRefused(409, conflict or exc.message) from exc
    except Invalid as exc:
        raise WebRefused(invalid_status or exc.status, exc.message) from exc
    except LionrockError as exc:
        raise WebRefused(exc.status, exc.message) from exc


def page_router() -> APIRouter:
    """A router for pages under /web, always behind the guard."""
    return APIRouter(prefix=WEB, include_in_schema=False, dependencies=[Depends(guard)])


def viewer(request: Request) -> Session:
    """The signed-in session, or SignInRequired (a redirect to the sign-in page)."""
    current: Session | None = request.state.web_session
    if current is None:
        raise SignInRequired()
    return current


def principal(request: Request) -> Principal:
    return viewer(request).user.principal


def form(request: Request) -> dict[str, str]:
    """The url-encoded form the guard parsed (first value per field)."""
    fields: dict[str, str] = request.state.form
    return fields


def form_list(request: Request, name: str) -> list[str]:
    """Every value of a repeated form field (checkboxes, multi-selects)."""
    lists: dict[str, list[str]] = getattr(request.state, "form_lists", {})
    return list(lists.get(name, []))


@dataclass(frozen=True)
class NavItem:
    key: str
    href: str
    label: str


_NAV = (
    NavItem("dashboard", f"{WEB}/", N_("Dashboard")),
    NavItem("search", f"{WEB}/search", N_("Search")),
    NavItem("fraud", f"{WEB}/fraud/check", N_("Fraud")),
    NavItem("disputes", f"{WEB}/fraud/disputes", N_("Fraud disputes")),
    NavItem("intake", f"{WEB}/intake", N_("Reports")),
    NavItem("advisories", f"{WEB}/advisories", N_("Advisories")),
    NavItem("sector", f"{WEB}/sector", N_("Sector view")),
    NavItem("notifications", f"{WEB}/notifications", N_("Notifications")),
    NavItem("admin", f"{WEB}/admin", N_("Administration")),
    NavItem("keys", f"{WEB}/keys", N_("Keys")),
    NavItem("audit", f"{WEB}/audit", N_("Audit trail")),
)


def navigation(who: Principal) -> list[NavItem]:
    """The menu a viewer gets: the sector view for the regulator, report intake for publishers."""
    items = []
    for item in _NAV:
        if item.key == "sector" and who.org_kind is not OrgKind.REGULATOR:
            continue
        if item.key == "intake" and not who.role.may_publish:
            continue
        if item.key in ("admin", "keys") and who.role not in (Role.ORG_ADMIN, Role.OPERATOR):
            continue
        items.append(item)
    return items


def gettext(request: Request) -> Any:
    """`_` in the viewer's language, for text built in Python."""
    current: Session | None = request.state.web_session
    return gettext_for(current.user.language if current else "en")


def page(
    request: Request, template: str, title: str, active: str = "", status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a signed-in page: `title` is an English source string, translated here."""
    current = viewer(request)
    who = current.user.principal
    language = current.user.language
    return render(
        template,
        status,
        lang=language,
        title=gettext_for(language)(title),
        user=current.user.name,
        org=who.org_name,
        org_kind=who.org_kind.value,
        role=who.role.value,
        csrf=current.csrf,
        nav=navigation(who),
        active=active,
        path=request.url.path,
        **context,
    )
