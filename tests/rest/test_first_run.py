"""What a person sees first: the front page and the API docs, working on a network with no Internet."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

URLS = re.compile(r"""(?:src|href|url)\s*[=:]\s*["']([^"']+)["']""", re.I)


def _links(html: str) -> list[str]:
    return URLS.findall(html)


def test_api_docs_load_nothing_from_another_host(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert "http://" not in page.text and "https://" not in page.text and "//cdn" not in page.text
    links = _links(page.text)
    assert links and all(link.startswith("/") and not link.startswith("//") for link in links)
    for link in links:
        assert client.get(link).status_code == 200, link
    assert '"validatorUrl": null' in page.text


def test_swagger_ui_assets_are_served_from_the_package(client: TestClient) -> None:
    js = client.get("/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    assert client.get("/docs/assets/swagger-ui.css").headers["content-type"].startswith("text/css")
    assert client.get("/redoc").status_code == 404  # ReDoc would come from a CDN: not offered


def test_front_page_is_readable_html_without_script(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text.lower() and "http" not in page.text
    assert page.headers["content-security-policy"] == "default-src 'self'"
    links = _links(page.text)
    assert {"/docs", "/taxii2/", "/openapi.json"} <= set(links)
    assert "docs/rest.md" in page.text and "token" in page.text
    assert client.get("/docs").status_code == 200 and client.get("/openapi.json").status_code == 200


def test_openapi_describes_the_typed_bodies_and_bounds(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    tokens = spec["paths"]["/api/v1/tokens"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert tokens["properties"]["name"]["anyOf"][0]["maxLength"] == 200
    publish = spec["paths"]["/api/v1/bundles"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "$ref" not in str(publish) and publish["properties"]["anonymous"]["type"] == "boolean"
    taxii = spec["paths"]["/taxii2/api/collections/{collection_id}/objects/"]["get"]["parameters"]
    assert {"limit", "next", "match[id]", "match[type]", "match[version]"} <= {p["name"] for p in taxii}


def test_api_docs_offer_a_token_login(client: TestClient) -> None:
    """Swagger UI shows its Authorize button only when the description names the token scheme."""
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "an lr_… token (or HTTP Basic)",
    }
    assert spec["security"] == [{"token": []}]
