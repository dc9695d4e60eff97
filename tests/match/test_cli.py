"""`lionrock match` from the command line: sources, output formats, stdin, compressed logs, errors."""

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lionrock.cli.main import main
from lionrock.match import CompiledSet
from tests.match.helpers import ind

LOG = '2026-11-22T10:00:00Z query www.evil.com\n2026-11-22T10:00:01Z allow 198.51.100.70\n{"broken\n'


def invoke(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    bundle = {"type": "bundle", "id": "bundle--1", "objects": [ind("[domain-name:value = 'evil.com']")]}
    (tmp_path / "ind.json").write_text(json.dumps(bundle))
    (tmp_path / "list.txt").write_text("evil.com\n198.51.100.0/24\n")
    (tmp_path / "a.log").write_text(LOG)
    with gzip.open(tmp_path / "b.log.gz", "wt") as out:
        out.write(LOG)
    return {p.name: p for p in tmp_path.iterdir()} | {"cache": tmp_path / "cache"}


def test_jsonl_output_and_summary(files: dict[str, Path]) -> None:
    r = invoke(
        "match",
        str(files["a.log"]),
        str(files["b.log.gz"]),
        "--indicators",
        str(files["ind.json"]),
        "--format",
        "jsonl",
        "--cache",
        str(files["cache"]),
    )
    assert r.exit_code == 0, r.output
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(h["file"], h["line"], h["value"]) for h in hits] == [
        (str(files["a.log"]), 1, "www.evil.com"),
        (str(files["b.log.gz"]), 1, "www.evil.com"),
    ]
    assert hits[0]["timestamp"] == "2026-11-22T10:00:00.000000Z"
    assert "2 hits of 1 indicators" in r.stderr and "2 file(s)" in r.stderr


def test_csv_and_table_output(files: dict[str, Path]) -> None:
    args = ["match", str(files["a.log"]), "--indicators", str(files["list.txt"]), "--cache", str(files["cache"])]
    rows = list(csv.DictReader(io.StringIO(invoke(*args, "--format", "csv").stdout)))
    assert [(r["line"], r["kind"]) for r in rows] == [("1", "domain"), ("2", "cidr4")]
    table = invoke(*args, "--format", "table")
    assert table.exit_code == 0 and "2 hits" in table.stdout and "a.log:2" in table.stdout


def test_stdin_and_a_saved_compiled_set(files: dict[str, Path], tmp_path: Path) -> None:
    saved = tmp_path / "set.lrm"
    r = invoke(
        "match",
        "-",
        "--indicators",
        str(files["list.txt"]),
        "--format",
        "jsonl",
        "--save",
        str(saved),
        "--cache",
        str(files["cache"]),
        input=LOG,
    )
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 2
    assert len(CompiledSet.load(saved)) == 2
    again = invoke("match", str(files["a.log"]), "--indicators", str(saved), "--format", "jsonl")
    assert again.exit_code == 0 and len(again.stdout.splitlines()) == 2


def test_forced_log_format_counts_malformed_lines(files: dict[str, Path]) -> None:
    r = invoke(
        "match",
        str(files["a.log"]),
        "--indicators",
        str(files["list.txt"]),
        "--log-format",
        "jsonl",
        "--format",
        "jsonl",
        "--cache",
        str(files["cache"]),
    )
    assert r.exit_code == 0 and "3 malformed lines" in r.stderr
    assert len(r.stdout.splitlines()) == 2  # broken lines are still read as text


def test_parallel_workers_give_the_same_hits(files: dict[str, Path], tmp_path: Path) -> None:
    big = tmp_path / "big.log"
    big.write_text(("noise 10.0.0.1 ok.example\n" * 5000 + "hit www.evil.com\n") * 40)
    out = [
        invoke(
            "match",
            str(big),
            "--indicators",
            str(files["list.txt"]),
            "--format",
            "jsonl",
            "--workers",
            w,
            "--cache",
            str(files["cache"]),
        ).stdout
        for w in ("1", "2")
    ]
    assert out[0] == out[1] and len(out[0].splitlines()) == 40


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give --indicators FILE, or --hub URL and --token T"),
        (["--indicators", "LIST", "--report"], "--report needs --hub and --token"),
        (["--indicators", "LIST", "--anonymous", "--hub", "http://x", "--token", "t"], "only makes sense with"),
    ],
)
def test_usage_errors(files: dict[str, Path], args: list[str], message: str) -> None:
    args = [str(files["list.txt"]) if a == "LIST" else a for a in args]
    r = invoke("match", str(files["a.log"]), *args)
    assert r.exit_code == 2 and message in r.output


def test_bad_inputs_fail_clearly(files: dict[str, Path], tmp_path: Path) -> None:
    missing = invoke("match", str(tmp_path / "nope.log"), "--indicators", str(files["list.txt"]))
    assert missing.exit_code == 2 and "no such log file" in missing.output
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    r = invoke("match", str(files["a.log"]), "--indicators", str(junk), "--cache", str(files["cache"]))
    assert r.exit_code == 2 and "cannot read indicators" in r.output
    unreachable = invoke(
        "match", str(files["a.log"]), "--hub", "http://127.0.0.1:9", "--token", "t", "--cache", str(files["cache"])
    )
    assert unreachable.exit_code == 2 and "cannot reach the hub" in unreachable.output
