"""Each user's interface language: chosen once, kept with the user, applied to every page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.helpers import csrf_of, sign_in


def test_a_user_switches_to_chinese_and_back(web: TestClient, passwords: dict[str, str]) -> None:
    assert sign_in(web, "alice", passwords["alice"]).status_code == 303
    home = web.get("/web/")
    assert "Sign out" in home.text and "登出" not in home.text
    switched = web.post(
        "/web/language", data={"csrf": csrf_of(home), "language": "zh-HK", "next": "/web/"}, follow_redirects=False
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/web/"
    chinese = web.get("/web/")
    assert "登出" in chinese.text and 'lang="zh-Hant-HK"' in chinese.text
    web.post("/web/language", data={"csrf": csrf_of(chinese), "language": "en", "next": "/web/"})
    assert "Sign out" in web.get("/web/").text


def test_the_choice_outlives_the_session(web: TestClient, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    web.post("/web/language", data={"csrf": csrf_of(web.get("/web/")), "language": "zh-HK"})
    web.post("/web/logout", data={"csrf": csrf_of(web.get("/web/"))})
    sign_in(web, "alice", passwords["alice"])
    assert "登出" in web.get("/web/").text


def test_unknown_language_and_foreign_redirects_are_refused(web: TestClient, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    token = csrf_of(web.get("/web/"))
    assert web.post("/web/language", data={"csrf": token, "language": "fr"}).status_code == 400
    for target in ("https://evil.example/", "//evil.example/web/", "/web/\\evil"):
        answer = web.post(
            "/web/language", data={"csrf": token, "language": "en", "next": target}, follow_redirects=False
        )
        assert answer.headers["location"] == "/web/", target


def test_sign_in_page_follows_the_browser_language(web: TestClient) -> None:
    assert "登入" in web.get("/web/login", headers={"accept-language": "zh-HK,zh;q=0.9"}).text
    assert "登入" not in web.get("/web/login", headers={"accept-language": "en-GB,zh-HK;q=0.5"}).text


def test_signed_out_pages_send_the_browser_to_sign_in(web: TestClient) -> None:
    answer = web.get("/web/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/web/login"
