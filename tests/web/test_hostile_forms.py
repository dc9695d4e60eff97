"""Forms as a hostile member would send them: too large, too many fields, too many files, no size
declared. Each gets a clear refusal page, never a 500, and changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lionrock.hub import Hub
from tests.web.helpers import csrf_of, sign_in


def _signed_in(web: TestClient, passwords: dict[str, str]) -> str:
    assert sign_in(web, "alice", passwords["alice"]).status_code == 303
    return csrf_of(web.get("/web/"))


def test_an_oversized_form_is_refused(web: TestClient, passwords: dict[str, str]) -> None:
    csrf = _signed_in(web, passwords)
    answer = web.post("/web/language", data={"csrf": csrf, "language": "en", "next": "x" * 20_000})
    assert answer.status_code == 413 and "too large" in answer.text


def test_a_form_with_thousands_of_fields_is_refused(web: TestClient, passwords: dict[str, str]) -> None:
    csrf = _signed_in(web, passwords)
    body = "&".join([f"csrf={csrf}", "language=en", *(f"f{i}=1" for i in range(1000))])
    answer = web.post("/web/language", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413 and "too many fields" in answer.text


def test_an_upload_declaring_more_than_the_limit_is_refused(
    web: TestClient, passwords: dict[str, str], hub: Hub
) -> None:
    csrf = _signed_in(web, passwords)
    big = b"x" * (hub.settings.max_content_length + 1)
    answer = web.post("/web/intake", data={"csrf": csrf}, files={"report": ("r.txt", big, "text/plain")})
    assert answer.status_code == 413


def test_an_upload_with_two_files_is_refused(web: TestClient, passwords: dict[str, str]) -> None:
    csrf = _signed_in(web, passwords)
    answer = web.post(
        "/web/intake",
        data={"csrf": csrf},
        files=[("report", ("a.txt", b"a", "text/plain")), ("report", ("b.txt", b"b", "text/plain"))],
    )
    assert 400 <= answer.status_code < 500
    assert "<!DOCTYPE html>" in answer.text  # a page for people, not a traceback or the API's JSON
    assert "/web/intake/" not in web.get("/web/intake").text  # no job was made
