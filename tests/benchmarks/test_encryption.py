"""benchmarks/encryption.py runs end to end at a tiny size and prints its one summary line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_encryption_benchmark_runs_and_prints_its_summary() -> None:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.encryption", "--objects", "60", "--bundle", "25", "--rounds", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("encryption: publish ") and "rotation of 1,000,000 objects" in last
    assert "(100 data keys re-wrapped)" in last
