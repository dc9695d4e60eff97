"""The pages a person opens in a browser: `/` (what this is, where to go) and `/docs` (Swagger UI).

Swagger UI is served from the `swagger-ui-bundle-v2` package, not a CDN: bank networks are often
offline, and a page that loads code from a third party is one more party to trust."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from lionrock import __version__

DOCS = "/docs"
ASSETS = "/docs/assets"
DOC_PAGES = (
    ("rest.md", "REST API"),
    ("taxii.md", "TAXII 2.1 server"),
    ("sharing-policy.md", "The sharing policy: TLP, audiences, anonymity"),
    ("intake.md", "Report intake"),
    ("matcher.md", "Matching logs against indicators"),
    ("advisories.md", "Advisories and their acknowledgements"),
    ("web.md", "The web interface: sign-in, sessions, security"),
    ("operations.md", "Running the hub"),
)


def mount_docs(app: FastAPI, title: str) -> None:
    """Swagger UI at /docs, its JavaScript and CSS from the installed package."""
    app.mount(ASSETS, StaticFiles(directory=Path(str(swagger_ui_path))), name="swagger-ui")

    @app.get(DOCS, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # no calls to swagger.io's validator
        )


def home_html(title: str) -> str:
    """The front page: plain HTML, no script, nothing loaded from elsewhere."""
    name = escape(title)
    pages = "\n".join(f"      <li><code>docs/{file}</code>: {escape(what)}</li>" for file, what in DOC_PAGES)
    return f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{name} hub</title>
  </head>
  <body>
    <h1>{name}</h1>
    <p>A threat-intelligence sharing hub for Hong Kong's financial sector (lionrock {__version__}).
    Members publish and read STIX 2.1 objects under one access policy: each publisher chooses who
    receives an object, and its TLP marking says what recipients may do with it.</p>
    <h2>Where to go</h2>
    <ul>
      <li><a href="{DOCS}">API documentation</a> (try requests in the browser with your token)</li>
      <li><a href="/openapi.json">OpenAPI description</a> of the REST API</li>
      <li><a href="/taxii2/">TAXII 2.1 discovery</a> for TAXII clients</li>
      <li><code>/api/v1/</code>: the REST API, for scripts and the <code>lionrock</code> command</li>
    </ul>
    <p>Every request needs a token: <code>Authorization: Bearer &lt;token&gt;</code>, or HTTP Basic
    with any user name and the token as password. Ask your hub's operator for one.</p>
    <h2>Guides</h2>
    <p>In the <code>docs/</code> folder of the lionrock source:</p>
    <ul>
{pages}
    </ul>
  </body>
</html>
"""


def mount_home(app: FastAPI, title: str) -> None:
    page = home_html(title)

    @app.get("/", include_in_schema=False)
    def home() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": "default-src 'self'"})
