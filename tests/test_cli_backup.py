"""`lionrock backup`, `restore` and `purge` from the command line: summaries, refusals, exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lionrock.cli.main import main
from tests.conftest import PG_URL, _reset_postgres


def run(tmp_path: Path, database_url: str, *args: str) -> tuple[int, str, str]:
    env = {
        "LIONROCK_AUDIT_KEY_FILE": str(tmp_path / "keys" / "hub.audit-key"),
        "LIONROCK_BACKUP_KEY_FILE": str(tmp_path / "keys" / "hub.backup-key"),
    }
    result = CliRunner(env=env).invoke(main, ["--database", database_url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_backup_then_restore_into_an_empty_database_prints_summaries(database_url: str, tmp_path: Path) -> None:
    assert run(tmp_path, database_url, "init")[0] == 0
    assert run(tmp_path, database_url, "org", "add", "Bank A", "--kind", "bank")[0] == 0
    out = tmp_path / "hub.backup"
    code, stdout, stderr = run(tmp_path, database_url, "backup", str(out))
    assert code == 0, stderr
    assert "rows" in stdout and "bytes" in stdout and "schema revision" in stdout
    assert "backup key" in stderr

    code, _, stderr = run(tmp_path, database_url, "restore", str(out))
    assert code == 1 and "not empty" in stderr and "--force" in stderr

    if PG_URL:
        _reset_postgres(PG_URL)
        target = database_url
    else:
        target = f"sqlite:///{tmp_path / 'restored.db'}"
    code, stdout, stderr = run(tmp_path, target, "restore", str(out))
    assert code == 0, stderr
    assert "verified: audit chain of" in stdout and "row counts and contents" in stdout
    code, stdout, _ = run(tmp_path, target, "org", "list")
    assert code == 0 and "Bank A" in stdout


def test_restore_of_a_damaged_file_exits_1_with_one_clear_line(database_url: str, tmp_path: Path) -> None:
    assert run(tmp_path, database_url, "init")[0] == 0
    out = tmp_path / "hub.backup"
    assert run(tmp_path, database_url, "backup", str(out))[0] == 0
    out.write_bytes(out.read_bytes()[:-10])
    code, _, stderr = run(tmp_path, f"sqlite:///{tmp_path / 'other.db'}", "restore", str(out))
    assert code == 1 and "truncated" in stderr and "Traceback" not in stderr


def test_purge_dry_run_lists_every_kind_and_removes_nothing(database_url: str, tmp_path: Path) -> None:
    assert run(tmp_path, database_url, "init")[0] == 0
    code, stdout, stderr = run(tmp_path, database_url, "purge", "--dry-run")
    assert code == 0
    for kind in ("intake_text", "intake_job", "sighting", "notification", "web_session"):
        assert f"{kind} (" in stdout
    assert "0 due" in stdout and "nothing was removed" in stderr
    code, stdout, _ = run(tmp_path, database_url, "purge")
    assert code == 0 and "0 removed" in stdout
