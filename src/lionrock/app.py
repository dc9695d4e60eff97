"""create_app: the hub with its REST and TAXII edges; nothing is built at import time."""

from __future__ import annotations

import gc
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from lionrock import __version__
from lionrock.errors import Invalid, LionrockError
from lionrock.http.hygiene import RefuseNul
from lionrock.http.responses import JSON
from lionrock.http.validation import describe
from lionrock.hub import Hub, intake
from lionrock.pages import mount_docs, mount_home
from lionrock.rest.advisories import router as advisories_router
from lionrock.rest.api import router as rest_router
from lionrock.rest.fraud import router as fraud_router
from lionrock.rest.fraud_disputes import router as fraud_disputes_router
from lionrock.rest.fraud_private import router as fraud_private_router
from lionrock.rest.intake import router as intake_router
from lionrock.rest.pseudonyms import router as pseudonyms_router
from lionrock.settings import Settings
from lionrock.taxii.api import router as taxii_router
from lionrock.taxii.media import taxii_error
from lionrock.web.routes import error_page, is_web, mount_web

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
}


def _is_taxii(request: Request) -> bool:
    return request.url.path.startswith("/taxii2")


def _error(
    request: Request,
    status: int,
    message: str,
    problems: list[dict[str, object]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if _is_taxii(request):
        response: Response = taxii_error(status, _TITLES.get(status, "Error"), message)
    elif is_web(request.url.path):  # people get a page, with the web security headers
        response = error_page(request, status, message)
    else:
        body: dict[str, object] = {"status": status, "message": message}
        if problems is not None:
            body["problems"] = problems
        response = JSON({"error": body}, status_code=status)
    if status == 401 and not is_web(request.url.path):
        response.headers["WWW-Authenticate"] = 'Basic realm="lionrock", Bearer'
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def create_app(settings: Settings | None = None, hub: Hub | None = None, *, recover_intake: bool = True) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title=f"{settings.title} hub",
        version=__version__,
        description="STIX 2.1 sharing for Hong Kong's financial sector, under one access policy.",
        docs_url=None,  # served from the package by lionrock.pages (no CDN)
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.hub = hub or Hub.open(settings)
    if recover_intake:
        intake.recover(app.state.hub)  # intake jobs a crashed process left running are failed

    async def lionrock_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LionrockError)
        problems = [p.as_dict() for p in exc.problems] if isinstance(exc, Invalid) else None
        return _error(request, exc.status, exc.message, problems)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _error(request, 400 if _is_taxii(request) else 422, describe(list(exc.errors())))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return _error(request, exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))

    app.add_exception_handler(LionrockError, lionrock_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.include_router(fraud_router)  # first: routes are tried in order, and the pre-payment check is the hot path
    app.include_router(rest_router)
    app.include_router(intake_router)
    app.include_router(pseudonyms_router)
    app.include_router(advisories_router)
    app.include_router(fraud_disputes_router)
    app.include_router(fraud_private_router)
    app.include_router(taxii_router)

    mount_docs(app, settings.title)
    mount_home(app, settings.title)
    mount_web(app)  # /web/: sign-in and pages, CSRF and security headers
    _describe_tokens(app)
    app.add_middleware(RefuseNul)
    return app


def _describe_tokens(app: FastAPI) -> None:
    """Tell OpenAPI (and so Swagger UI's Authorize button) that every operation takes a token."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = build()
            spec.setdefault("components", {})["securitySchemes"] = {
                "token": {"type": "http", "scheme": "bearer", "description": "an lr_… token (or HTTP Basic)"}
            }
            spec["security"] = [{"token": []}]
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_worker_app() -> FastAPI:
    """One of `lionrock serve --workers N`'s processes, configured from the environment. The parent
    recovered interrupted intake jobs once before starting them; a worker that uvicorn restarts later
    must not fail the jobs its siblings are running."""
    app = create_app(recover_intake=False)
    gc.collect()
    gc.freeze()  # as `lionrock serve` does for one process: start-up's objects leave the collector's sight
    return app
