"""Layering (pyproject [tool.importlinter]) and the rule that cores import no frameworks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed")
    done = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_tokens_are_never_stored_in_clear() -> None:
    source = (ROOT / "src" / "lionrock" / "store" / "schema.py").read_text()
    assert '"secret_hash"' in source and '"secret"' not in source
