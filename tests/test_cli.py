"""The CLI as scripts use it: a token alone on stdout, clear errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
from sqlalchemy import update

from lionrock.cli.main import main
from lionrock.hub import Hub
from lionrock.hub.members import authenticate
from lionrock.settings import Settings
from lionrock.store.schema import audit


def run(database_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--database", database_url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_members_and_token_from_scripts(database_url: str) -> None:
    assert run(database_url, "init")[0] == 0
    assert run(database_url, "init")[0] == 0  # idempotent
    assert run(database_url, "org", "add", "HKMA", "--kind", "regulator")[0] == 0
    assert run(database_url, "org", "add", "Bank A", "--kind", "bank")[0] == 0
    code, _, err = run(database_url, "org", "add", "Bank A", "--kind", "bank")
    assert code == 1 and "already exists" in err
    assert run(database_url, "group", "add", "circle", "--member", "HKMA", "--member", "Bank A")[0] == 0
    code, _, err = run(database_url, "group", "add", "g2", "--member", "Nobody")
    assert code == 1 and "no organisation named 'Nobody'" in err
    code, out, _ = run(database_url, "token", "create", "--org", "Bank A", "--role", "analyst", "--expires", "30")
    assert code == 0
    secret = out.strip()
    assert out == secret + "\n" and secret.startswith("lr_")
    hub = Hub.open(Settings(database_url=database_url))
    who = authenticate(hub, secret)
    assert who.org_name == "Bank A" and len(who.group_ids) == 1
    hub.close()


def test_demo_load_is_idempotent_and_audit_verify_detects_tampering(database_url: str) -> None:
    code, out, _ = run(database_url, "demo", "load")
    assert code == 0 and "lr_" in out
    code, out, _ = run(database_url, "demo", "load")
    assert code == 0 and "0 new objects" in out
    code, out, _ = run(database_url, "audit", "verify")
    assert code == 0 and "intact" in out
    hub = Hub.open(Settings(database_url=database_url))
    with hub.engine.begin() as conn:
        conn.execute(update(audit).where(audit.c.seq == 3).values(action="nothing.to.see"))
    hub.close()
    code, out, _ = run(database_url, "audit", "verify")
    assert code == 1 and "BROKEN at entry 3" in out


def test_entry_point_is_installed() -> None:
    done = subprocess.run([sys.executable, "-m", "lionrock.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "serve" in done.stdout
