"""A fresh SoftHSM2 token for the PKCS#11 tests, in the test session's own folder.

Skips with the reason when softhsm2 is not installed, unless LIONROCK_REQUIRE_SOFTHSM=1 (set by .ci/run
after .ci/softhsm.sh installed it), where a missing SoftHSM2 fails instead: CI may not skip these."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

LIBRARIES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
PIN = "246810"


@dataclass(frozen=True)
class Token:
    library: str
    label: str
    pin: str


def softhsm_token(folder: Path, label: str = "lionrock-test") -> Token:
    util = shutil.which("softhsm2-util")
    library = next((lib for lib in LIBRARIES if Path(lib).exists()), None)
    if util is None or library is None:
        reason = "SoftHSM2 is not installed (apt-get install softhsm2, or run .ci/softhsm.sh)"
        if os.environ.get("LIONROCK_REQUIRE_SOFTHSM") == "1":
            pytest.fail(f"LIONROCK_REQUIRE_SOFTHSM=1 but {reason}")
        pytest.skip(reason)
    tokens = folder / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    # the library reads SOFTHSM2_CONF once, when the process first loads it: one config per test session
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [util, "--init-token", "--free", "--label", label, "--so-pin", "13579", "--pin", PIN],
        check=True,
        capture_output=True,
    )
    return Token(library, label, PIN)
