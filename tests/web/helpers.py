"""Signing in through the real forms, as a browser does."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: Response) -> str:
    found = _CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str) -> Response:
    form = client.get("/web/login")
    return client.post(
        "/web/login",
        data={"csrf": csrf_of(form), "name": name, "password": password},
        follow_redirects=False,
    )
