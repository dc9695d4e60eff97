"""/web/login, /web/logout, /web/language and the home page; `mount_web` puts every page module
together. A page module makes its router with `context.page_router()` and is listed in `_PAGES`."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from lionrock.access.throttle import client_key
from lionrock.errors import Invalid
from lionrock.http.auth import failed_logins
from lionrock.hub.logins import record_failed_logins
from lionrock.hub.users import PasswordRejected, set_language
from lionrock.hub.web_sessions import Session, sign_in, sign_out
from lionrock.web import admin, audit, dashboard, keys, sector
from lionrock.web import advisories as advisory_pages
from lionrock.web import fraud as fraud_pages
from lionrock.web import fraud_disputes as fraud_dispute_pages
from lionrock.web import intake as intake_pages
from lionrock.web import pseudonyms as pseudonym_pages
from lionrock.web.context import (
    N_,
    SignInRequired,
    WebRefused,
    form,
    hub_of,
    page_router,
    presession_of,
    viewer,
)
from lionrock.web.i18n import browser_language
from lionrock.web.pages import STATIC, gettext_for, render
from lionrock.web.search import router as search_router
from lionrock.web.security import PRE_COOKIE, SESSION_COOKIE, WEB, PreSession, WebHeaders

_PRE_MAX_AGE = 3600

router = page_router()


def _secure(request: Request) -> bool:
    return bool(hub_of(request).settings.web_secure_cookie) or request.url.scheme == "https"


def _login_page(request: Request, status: int = 200, message: str = "", name: str = "", **headers: str) -> Response:
    pre = presession_of(request)
    nonce = pre.new_nonce()
    response = render(
        "login.html",
        status,
        headers or None,
        lang=browser_language(request.headers.get("accept-language", "")),
        title="Sign in",
        csrf=pre.token_for(nonce),
        message=message,
        name=name,
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
    hub = hub_of(request)
    form: dict[str, str] = request.state.form
    name, password = form.get("name", "").strip(), form.get("password", "")
    client = client_key(request.client.host if request.client else None)
    counter = failed_logins(request.app.state, hub.settings)
    now = hub.clock()
    try:
        wait = counter.retry_after(client, now)
        if wait is not None:
            _ = gettext_for(browser_language(request.headers.get("accept-language", "")))
            message = _("Too many failed sign-ins from this address; try again in %(wait)s s.") % {"wait": wait}
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
        await run_in_threadpool(sign_out, hub_of(request), current)
    response = RedirectResponse(f"{WEB}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=_secure(request), httponly=True, samesite="strict")
    return response


@router.post("/language")
async def choose_language(request: Request) -> Response:
    """The signed-in user's interface language, kept with the user; back to the page they were on."""
    current = viewer(request)
    fields = form(request)
    try:
        await run_in_threadpool(set_language, hub_of(request), current.user, fields.get("language", ""))
    except Invalid as exc:
        raise WebRefused(400, str(exc)) from exc
    back = fields.get("next", "")
    # only a path on this site: never an open redirect
    target = back if back.startswith(f"{WEB}/") and not back.startswith("//") and "\\" not in back else f"{WEB}/"
    return RedirectResponse(target, status_code=303)


def is_web(path: str) -> bool:
    return path == WEB or path.startswith(f"{WEB}/")


def error_page(request: Request, status: int, message: str) -> Response:
    """An error under /web as a page for people (not JSON), in the viewer's language: the signed-in
    user's, else the browser's. Also used by the app for errors no page handled (404, 405, …)."""
    current: Session | None = getattr(request.state, "web_session", None)
    language = current.user.language if current else browser_language(request.headers.get("accept-language", ""))
    heading = N_("Refused")
    if status == 404:
        heading = N_("Not found")
        if not message or message == "Not Found":  # no page here, rather than a page's own refusal
            message = N_("There is no page at this address.")
    # translated here, as plain text: the message may carry what the request sent
    message = gettext_for(language)(message)
    return render("error.html", status, lang=language, title=heading, heading=heading, message=message)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebRefused)
    return error_page(request, exc.status, exc.message)


async def _sign_in_first(request: Request, exc: Exception) -> Response:
    return RedirectResponse(f"{WEB}/login", status_code=303)


_PAGES: list[APIRouter] = [
    router,
    dashboard.router,
    admin.router,
    keys.router,
    audit.router,
    search_router,
    intake_pages.router,
    pseudonym_pages.router,
    advisory_pages.router,
    sector.router,
    fraud_pages.router,
    fraud_dispute_pages.router,
]
"""Every page module's router; a new page module adds its router here."""


def mount_web(app: FastAPI) -> None:
    """The web pages, their stylesheet and their security headers."""
    app.state.web_presession = PreSession()
    app.add_exception_handler(WebRefused, _refused)
    app.add_exception_handler(SignInRequired, _sign_in_first)
    for pages in _PAGES:
        app.include_router(pages)
    app.mount(f"{WEB}/static", StaticFiles(directory=STATIC), name="web-static")
    app.add_middleware(WebHeaders)
