"""`lionrock user add` prints a working password once; `user disable` ends sign-ins."""

from __future__ import annotations

from click.testing import CliRunner
from fastapi.testclient import TestClient

from lionrock.app import create_app
from lionrock.cli.main import main
from lionrock.hub import Hub
from lionrock.settings import Settings
from tests.web.helpers import sign_in


def _run(database_url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--database", database_url, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_user_add_prints_a_password_that_signs_in_and_disable_stops_it(database_url: str) -> None:
    _run(database_url, "org", "add", "bank-a", "--kind", "bank")
    password = _run(database_url, "user", "add", "--org", "bank-a", "--role", "analyst", "--name", "alice").strip()
    assert len(password) >= 20 and "\n" not in password
    settings = Settings(database_url=database_url)
    hub = Hub.open(settings)
    try:
        with TestClient(create_app(settings, hub)) as c:
            assert sign_in(c, "alice", password).status_code == 303
            _run(database_url, "user", "disable", "alice")
            assert sign_in(c, "alice", password).status_code == 401
    finally:
        hub.close()


def test_user_add_refuses_an_unknown_organisation(database_url: str) -> None:
    args = ["--database", database_url, "user", "add", "--org", "x", "--role", "reader", "--name", "a"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
