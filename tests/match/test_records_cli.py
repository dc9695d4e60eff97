"""`lionrock match-records` against a hub served over real HTTP: the sample files against the demo,
exit status like grep, hit files, and hostile names kept inert on the terminal and in spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lionrock.access.model import Role
from lionrock.cli.main import main
from lionrock.cli.match_records import spreadsheet_safe
from lionrock.hub import Hub
from lionrock.hub.demo import BANKS, load_demo
from lionrock.hub.fraud import FraudReport, report_fraud
from lionrock.hub.members import create_token
from tests.conftest import World

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def invoke(live_url: str, token: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["match-records", *args, "--hub", live_url, "--token", token], input=input)


def test_the_sample_payments_find_the_demo_cases(live_url: str, hub: Hub, tmp_path: Path) -> None:
    load_demo(hub)
    reader = create_token(hub, BANKS[2], Role.READER).secret
    out = tmp_path / "hits.csv"
    r = invoke(live_url, reader, str(EXAMPLES / "payments.csv"), "--output", str(out))
    assert r.exit_code == 1, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(row["line"], row["column"], row["value"], row["risk"]) for row in rows] == [
        ("2", "payee_account_no", "012-888-0001234", "high"),
        ("4", "payee_account_no", "012-888-0001234", "high"),
        ("5", "fps_proxy", "+85251234567", "high"),
        ("6", "fps_proxy", "1688888", "high"),
        ("7", "fps_proxy", "refund-desk@hk-parcel-demo.example", "medium"),
        ("8", "payee_account_no", "024-888-000456001", "low"),
    ]
    assert rows[0]["organisations"] == "3" and rows[0]["scam_types"] == "investment"
    assert rows[3]["organisations"] == "< 3"
    assert "6 hits" in r.stdout and "012-888-0001234" in r.stdout
    summary = r.stderr
    assert "10 records" in summary and "bank-account found" in summary and "5 (4 distinct)" in summary
    assert "not an identifier in column payee_account_no" in summary and "hit records" in summary


def test_the_sample_calls_find_the_scam_caller_however_written(live_url: str, hub: Hub, tmp_path: Path) -> None:
    load_demo(hub)
    reader = create_token(hub, BANKS[0], Role.READER).secret
    out = tmp_path / "hits.jsonl"
    r = invoke(live_url, reader, str(EXAMPLES / "calls.jsonl"), "--output", str(out), "--min-risk", "medium")
    assert r.exit_code == 1, r.output
    hits = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(h["line"], h["column"], h["value"], h["risk"]) for h in hits] == [
        (1, "calling_number", "+85251234567", "high"),
        (3, "來電號碼", "+85251234567", "high"),
    ]
    assert hits[0]["scam_types"] == ["impersonation-of-officials"] and hits[0]["dispute"] == "none"


def test_no_hits_exits_0_and_stdin_is_read(live_url: str, world: World) -> None:
    r = invoke(live_url, world.tokens["bank-a:reader"], "-", "--format", "csv", input="caller\n9123 4567\nnobody\n")
    assert r.exit_code == 0, r.output
    assert "risk no record" in r.stderr and "not an identifier in column caller" in r.stderr


def test_overrides_read_unnamed_columns(live_url: str, world: World, tmp_path: Path) -> None:
    report_fraud(world.hub, world.principals["bank-a"], [FraudReport("phone", "5123 4567", "romance", "caller")])
    records = tmp_path / "export.txt"
    records.write_text("ref,counterparty\n1,+852 5123 4567\n")
    r = invoke(live_url, world.tokens["bank-b"], str(records))
    assert r.exit_code == 0 and "no column was read" in r.stderr
    r = invoke(live_url, world.tokens["bank-b"], str(records), "--field", "Counterparty=phone")
    assert r.exit_code == 1 and "medium" in r.stdout


def test_failures_exit_2_with_one_clear_line(live_url: str, world: World, tmp_path: Path) -> None:
    records = tmp_path / "pay.csv"
    records.write_text("caller\n9123 4567\n")
    r = invoke(live_url, "lr_not-a-token", str(records))
    assert r.exit_code == 2 and "401" in r.stderr and "Traceback" not in r.output
    r = invoke("http://127.0.0.1:9", world.tokens["bank-a"], str(records))
    assert r.exit_code == 2 and "cannot reach the hub" in r.stderr
    assert invoke(live_url, world.tokens["bank-a"], str(records), "--field", "caller=cat").exit_code == 2
    assert invoke(live_url, world.tokens["bank-a"], str(tmp_path / "missing.csv")).exit_code == 2
    assert invoke(live_url, world.tokens["bank-a"], str(records), "--output", str(tmp_path / "x.xlsx")).exit_code == 2
    assert invoke(live_url, world.tokens["bank-a"], str(records), "--encoding", "klingon").exit_code == 2
    assert invoke(live_url, world.tokens["bank-a"], str(records), "--output", str(records)).exit_code == 2
    assert records.read_text() == "caller\n9123 4567\n"  # never truncated by its own --output
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n")
    r = invoke(live_url, world.tokens["bank-a"], str(wide))
    assert r.exit_code == 2 and "columns" in r.stderr


def test_hostile_column_names_stay_inert(live_url: str, world: World, tmp_path: Path) -> None:
    report_fraud(world.hub, world.principals["bank-a"], [FraudReport("phone", "5123 4567", "romance", "caller")])
    records = tmp_path / "calls.jsonl"
    name = "=cmd|' /C calc'!A0 [bold red]caller\x1b[2J"
    records.write_text(json.dumps({name: "5123 4567", "msisdn": "bad"}) + "\n")
    out = tmp_path / "hits.csv"
    r = invoke(live_url, world.tokens["bank-b"], str(records), "--field", f"{name}=phone", "--output", str(out))
    assert r.exit_code == 1, r.output
    assert "[bold red]" in r.stdout and "\x1b" not in r.output  # markup printed as text, escapes removed
    (row,) = list(csv.reader(io.StringIO(out.read_text())))[1:]
    assert row[1].startswith("'=cmd") and row[3] == "+85251234567"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("+85291234567", "+85291234567"),
        ("=1+1", "'=1+1"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("caller", "caller"),
    ],
)
def test_hit_files_are_spreadsheet_safe(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe


def test_private_matching_finds_the_same_hits_as_the_plain_check(live_url: str, hub: Hub, tmp_path: Path) -> None:
    """--private asks through the OPRF (blinded elements and bucket prefixes): same hits, same answers."""
    load_demo(hub)
    reader = create_token(hub, BANKS[2], Role.READER).secret
    plain, private = tmp_path / "plain.jsonl", tmp_path / "private.jsonl"
    r1 = invoke(live_url, reader, str(EXAMPLES / "payments.csv"), "--output", str(plain))
    r2 = invoke(live_url, reader, str(EXAMPLES / "payments.csv"), "--output", str(private), "--private")
    assert r1.exit_code == 1 and r2.exit_code == 1, r2.output
    assert plain.read_text() and private.read_text() == plain.read_text()
