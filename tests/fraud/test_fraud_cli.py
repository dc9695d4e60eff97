"""The CLI: `lionrock org bank-codes` and the CSV import command (`lionrock fraud report`)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lionrock.cli.fraud_import import report_command
from lionrock.cli.main import main
from lionrock.hub import fraud
from lionrock.hub.members import authenticate
from tests.conftest import World

DATA = Path(__file__).resolve().parent / "data"


def _cli(database_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--database", database_url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_bank_codes_are_set_listed_cleared_and_checked(database_url: str) -> None:
    assert _cli(database_url, "org", "add", "Bank A", "--kind", "bank")[0] == 0
    assert _cli(database_url, "org", "bank-codes", "Bank A", "004", "024")[0] == 0
    assert _cli(database_url, "org", "bank-codes", "Bank A") == (0, "004 024\n", "")
    code, _, err = _cli(database_url, "org", "bank-codes", "Bank A", "004", "999")
    assert code == 1 and "unknown HK bank code" in err
    code, _, err = _cli(database_url, "org", "bank-codes", "Nobody", "004")
    assert code == 1 and "no organisation" in err
    assert _cli(database_url, "org", "bank-codes", "Bank A", "--clear")[0] == 0
    assert _cli(database_url, "org", "bank-codes", "Bank A")[1] == "\n"


def _import(live_url: str, token: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(report_command, [*args, "--hub", live_url, "--token", token])
    return result.exit_code, result.stderr


def test_the_import_command_posts_the_file_and_summarises(live_url: str, world: World) -> None:
    police = str(DATA / "police_list.csv")
    code, err = _import(live_url, world.tokens["police"], police, "--dry-run")
    assert code == 0 and "5 row(s) would be stored" in err
    code, err = _import(live_url, world.tokens["police"], police)
    assert code == 0 and "stored 5 report(s)" in err
    answer = fraud.check(world.hub, authenticate(world.hub, world.tokens["bank-a"]), "phone", "91234567")
    assert answer["risk"] == "medium"


def test_the_import_command_names_bad_lines(live_url: str, world: World, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Phone,Scam Type\n91234567,loan\n12345,loan\n")
    code, err = _import(live_url, world.tokens["bank-a"], str(bad))
    assert code == 1 and "line 3:" in err
    code, err = _import(live_url, world.tokens["bank-a:reader"], str(DATA / "police_list.csv"))
    assert code == 1 and "403" in err
