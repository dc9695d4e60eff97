"""Errors under /web are pages for people (HTML, security headers, the viewer's language); the APIs
keep their JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.helpers import csrf_of, sign_in


def test_an_unknown_web_path_is_an_html_not_found_page(web: TestClient) -> None:
    answer = web.get("/web/no-such-page")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert "<h1>Not found</h1>" in answer.text and "There is no page at this address." in answer.text
    assert "www-authenticate" not in answer.headers


def test_the_not_found_page_speaks_the_browser_or_the_users_language(
    web: TestClient, passwords: dict[str, str]
) -> None:
    assert "找不到" in web.get("/web/nowhere", headers={"accept-language": "zh-HK"}).text
    sign_in(web, "alice", passwords["alice"])
    web.post("/web/language", data={"csrf": csrf_of(web.get("/web/")), "language": "zh-HK"})
    refused = web.post("/web/logout", data={"csrf": "forged"})
    assert refused.status_code == 403 and "請求被拒" in refused.text


def test_a_wrong_method_under_web_is_a_page_too(web: TestClient) -> None:
    answer = web.put("/web/login")
    assert answer.status_code == 405
    assert answer.headers["content-type"].startswith("text/html") and "<h1>Refused</h1>" in answer.text


def test_the_apis_keep_their_json_errors(web: TestClient) -> None:
    answer = web.get("/api/v1/no-such-thing")
    assert answer.status_code in (401, 404)
    assert answer.headers["content-type"].startswith("application/json")
    assert web.get("/webby").headers["content-type"].startswith("application/json")
