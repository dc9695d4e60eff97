"""benchmarks/fraud_check.py: its generated identifiers are the ones normalise() makes, and it runs
end to end at a tiny size."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lionrock.fraud.identifiers import normalise

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from fraud_identifiers import identifier, reports, written  # noqa: E402

SAMPLES = [*range(0, 3000), *range(9_999_000, 10_001_000), *range(20_000_000, 20_000_500)]


def test_written_values_normalise_to_the_generated_value_and_id() -> None:
    for i in SAMPLES:
        generated = identifier(i)
        kind, value = written(i)
        got = normalise(kind, value)
        assert (got.kind.value, got.value, got.id) == (generated.kind, generated.value, generated.id), (i, value)


def test_generated_identifiers_never_collide() -> None:
    ids = [identifier(i).id for i in SAMPLES]
    assert len(set(ids)) == len(ids)
    kinds = {identifier(i).kind for i in range(8)}
    assert kinds == {"phone", "bank-account", "fps-id", "e-wallet"}


def test_each_report_of_an_identifier_comes_from_another_organisation() -> None:
    counts = set()
    for i in range(2000):
        rows = list(reports(i, (11, 12, 13, 14), now_us=10**15))
        orgs = [row[3] for row in rows]
        assert len(set(orgs)) == len(orgs)
        assert {row[0] for row in rows} == {identifier(i).id}
        counts.add(len(rows))
    assert counts == {1, 2, 3}


@pytest.mark.slow
def test_the_benchmark_runs_end_to_end_at_a_tiny_size(tmp_path: Path) -> None:
    args = ["--identifiers", "2000", "--duration", "1", "--step-duration", "1", "--warmup", "0", "--rates", "1500"]
    args += ["--values", "200", "--sql-lookups", "500", "--cache-dir", str(tmp_path)]
    run = subprocess.run(
        [sys.executable, str(BENCHMARKS / "fraud_check.py"), *args], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    assert re.fullmatch(r"fraud check: p99 \d+\.\d ms at \d+ checks/s over 2,000 identifiers", lines[-1]), lines[-1]
    first = next(line for line in lines if "1,000/s for 1 s" in line)
    assert "failed 0;" in first, run.stdout  # every answer was right: hits reported, misses 'no record'
    assert any(line.startswith("plain SQL lookup") for line in lines)
    assert not list(tmp_path.iterdir())  # without --keep nothing is left behind
