"""The CLI as scripts use it: a token alone on stdout, clear errors, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from lionrock.cli.main import main
from lionrock.cli.masking import masked_url
from lionrock.errors import Unauthorized
from lionrock.hub import Hub, directory
from lionrock.hub.members import authenticate
from lionrock.settings import DEFAULT_DB, Settings
from lionrock.store.schema import audit

ROOT = Path(__file__).resolve().parents[1]


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


def test_cli_default_database_is_the_one_quickstart_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LIONROCK_DATABASE_URL", raising=False)
    quickstart = (ROOT / "quickstart.sh").read_text()
    assert "sqlite:///$PWD/.lionrock/hub.db" in quickstart and DEFAULT_DB == "sqlite:///.lionrock/hub.db"
    result = CliRunner().invoke(main, ["org", "add", "Bank A", "--kind", "bank"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".lionrock" / "hub.db").is_file()
    listed = CliRunner().invoke(main, ["org", "list"])
    assert listed.stdout == "Bank A\tbank\n"


def test_masked_url_hides_every_password() -> None:
    assert masked_url("postgresql+psycopg://app:s3cret@db:5432/hub") == "postgresql+psycopg://app:***@db:5432/hub"
    assert "p@ss" not in masked_url("postgresql://app:p@ss@db/hub")
    assert masked_url("postgresql://db/hub?user=app&password=s3cret") == "postgresql://db/hub?user=app&password=***"
    assert masked_url("sqlite:///.lionrock/hub.db") == "sqlite:///.lionrock/hub.db"
    assert masked_url("postgresql://app@db/hub") == "postgresql://app@db/hub"


def test_init_never_prints_the_database_password(database_url: str) -> None:
    unreachable = "postgresql+psycopg://lionrock:hunter2-secret@127.0.0.1:1/hub?connect_timeout=2"
    code, out, err = run(unreachable, "init")
    assert code == 1 and "cannot open the database" in err
    assert "hunter2" not in out + err and "lionrock:***@127.0.0.1:1" in err.replace("\n", "")
    if database_url.startswith("postgresql"):  # trust authentication ignores the password
        scheme, rest = database_url.split("://", 1)
        user, host = rest.split("@", 1)
        code, out, err = run(f"{scheme}://{user.split(':')[0]}:hunter2-secret@{host}", "init")
        assert code == 0 and "database ready" in err and "hunter2" not in out + err


def test_quickstart_twice_leaves_only_the_latest_demo_tokens_valid(database_url: str) -> None:
    first = _demo_tokens(database_url)
    second = _demo_tokens(database_url)
    assert len(first) == len(second) == 6 and not set(first) & set(second)
    hub = Hub.open(Settings(database_url=database_url))
    try:
        for secret in first:
            with pytest.raises(Unauthorized):
                authenticate(hub, secret)
        assert {authenticate(hub, s).org_name for s in second} >= {"lionrock operations"}
        live = [t for t in directory.tokens(hub, authenticate(hub, second[-1])) if not t.revoked]
        assert len(live) == 6
    finally:
        hub.close()


def _demo_tokens(database_url: str) -> list[str]:
    code, out, _ = run(database_url, "demo", "load")
    assert code == 0
    return re.findall(r"lr_[A-Za-z0-9_-]{20,}", out)


def test_operator_tokens_only_for_operator_organisations_from_the_cli_too(database_url: str) -> None:
    assert run(database_url, "org", "add", "Bank A", "--kind", "bank")[0] == 0
    code, out, err = run(database_url, "token", "create", "--org", "Bank A", "--role", "operator")
    assert code == 1 and out == "" and "operator organisations" in err
    code, _, err = run(database_url, "token", "create", "--org", "Bank A", "--role", "reader", "--expires", "1e12")
    assert code == 1 and "expires" in err


def test_cli_and_rest_edges_import_no_store_module() -> None:
    """The one-door rule, in the source as well as in the import-linter contract."""
    for folder in ("cli", "rest", "taxii", "http"):
        for path in (ROOT / "src" / "lionrock" / folder).glob("*.py"):
            assert "lionrock.store" not in path.read_text(), path
