"""/web/login, /web/logout and /web/: sign-in, sign-out and the signed-in home page.

Every route sits behind `guard`: it resolves the session cookie and refuses (403) any state-changing
request without the CSRF token that belongs to it, so a route added later cannot forget the check.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from lionrock.access.throttle import client_key
from lionrock.http.auth import failed_logins
from lionrock.hub import Hub
from lionrock.hub.logins import record_failed_logins
from lionrock.hub.users import PasswordRejected, visible_object_count
from lionrock.hub.web_sessions import Session, session, sign_in, sign_out
from lionrock.web.pages import STATIC, render
from lionrock.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    PRE_COOKIE,
    SESSION_COOKIE,
    STATE_CHANGING,
    WEB,
    PreSession,
    WebHeaders,
)

_FORM_MAX = 16 * 1024
_PRE_MAX_AGE = 3600


class WebRefused(Exception):
    """A web request refused before its handler ran (bad CSRF token, oversized form)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


def _presession(request: Request) -> PreSession:
    pre: PreSession = request.app.state.web_presession
    return pre


async def guard(request: Request) -> None:
    """Resolve the session; on POST/PUT/PATCH/DELETE demand the CSRF token (form field or header)
    tied to it, or for the sign-in form the pre-session token tied to its cookie."""
    hub = _hub(request)
    request.state.web_session = await run_in_threadpool(session, hub, request.cookies.get(SESSION_COOKIE))
    request.state.form = {}
    if request.method not in STATE_CHANGING:
        return
    body = await request.body()
    if len(body) > _FORM_MAX:
        raise WebRefused(413, "the form is too large")
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/x-www-form-urlencoded":
        parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=20)
        request.state.form = {k: v[0] for k, v in parsed.items()}
    sent = request.headers.get(CSRF_HEADER) or request.state.form.get(CSRF_FIELD)
    current: Session | None = request.state.web_session
    if request.url.path == f"{WEB}/login":
        ok = _presession(request).valid(request.cookies.get(PRE_COOKIE), sent)
    else:
        ok = current is not None and current.csrf_ok(sent)
    if not ok:
        raise WebRefused(403, "this form has expired or did not come from this site; reload the page and try again")


router = APIRouter(prefix=WEB, include_in_schema=False, dependencies=[Depends(guard)])


def _secure(request: Request) -> bool:
    return bool(_hub(request).settings.web_secure_cookie) or request.url.scheme == "https"


def _login_page(request: Request, status: int = 200, message: str = "", name: str = "", **headers: str) -> Response:
    pre = _presession(request)
    nonce = pre.new_nonce()
    response = render(
        "login.html", status, headers or None, title="Sign in", csrf=pre.token_for(nonce), message=message, name=name
    )
    response.set_cookie(
        PRE_COOKIE,
        nonce,
        max_age=_PRE_MAX_AGE,
        path=f"{WEB}/login",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/login")
async def login_form(request: Request) -> Response:
    """Shown even when signed in: signing in again (as anyone) replaces the current session."""
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    hub = _hub(request)
    form: dict[str, str] = request.state.form
    name, password = form.get("name", "").strip(), form.get("password", "")
    client = client_key(request.client.host if request.client else None)
    counter = failed_logins(request.app.state, hub.settings)
    now = hub.clock()
    try:
        wait = counter.retry_after(client, now)
        if wait is not None:
            message = f"Too many failed sign-ins from this address; try again in {wait} s."
            return _login_page(request, 429, message, name, **{"Retry-After": str(wait)})
        previous = request.cookies.get(SESSION_COOKIE)
        try:
            current = await run_in_threadpool(sign_in, hub, name, password, previous)
        except PasswordRejected as exc:
            counter.failed(client, now, f"web: {exc.reason}")
            return _login_page(request, 401, exc.message, name)
    finally:
        await run_in_threadpool(record_failed_logins, hub, counter.due(now))
    response = RedirectResponse(f"{WEB}/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, current.cookie, path="/", secure=_secure(request), httponly=True, samesite="strict"
    )
    response.delete_cookie(PRE_COOKIE, path=f"{WEB}/login", secure=_secure(request), httponly=True, samesite="strict")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    current: Session | None = request.state.web_session
    if current is not None:
        await run_in_threadpool(sign_out, _hub(request), current)
    response = RedirectResponse(f"{WEB}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=_secure(request), httponly=True, samesite="strict")
    return response


@router.get("/")
async def home(request: Request) -> Response:
    current: Session | None = request.state.web_session
    if current is None:
        return RedirectResponse(f"{WEB}/login", status_code=303)
    who = current.user.principal
    count = await run_in_threadpool(visible_object_count, _hub(request), who)
    context: dict[str, Any] = {
        "title": "Home",
        "user": current.user.name,
        "org": who.org_name,
        "role": who.role.value,
        "count": count,
        "csrf": current.csrf,
    }
    return render("home.html", **context)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebRefused)
    return render("error.html", exc.status, title="Refused", heading="Refused", message=exc.message)


def mount_web(app: FastAPI) -> None:
    """The web pages, their stylesheet and their security headers."""
    app.state.web_presession = PreSession()
    app.add_exception_handler(WebRefused, _refused)
    app.include_router(router)
    app.mount(f"{WEB}/static", StaticFiles(directory=STATIC), name="web-static")
    app.add_middleware(WebHeaders)
