"""`lionrock fraud check [--private]` against a hub served over real HTTP."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lionrock.cli.main import main
from lionrock.hub.fraud import FraudReport, report_fraud
from tests.conftest import World


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_private_and_plain_checks_print_the_same_answer(world: World, live_url: str) -> None:
    for who in ("bank-a", "bank-b"):
        report_fraud(world.hub, world.principals[who], [FraudReport("phone", "+852 9123 4567", "investment", "caller")])
    hub = ["--hub", live_url, "--token", world.tokens["bank-c:reader"]]
    code, plain, _ = run("fraud", "check", "phone", "9123 4567", *hub)
    assert code == 0
    code, private, _ = run("fraud", "check", "fps", "FPS: 9123-4567", "--private", *hub)
    assert code == 0
    assert json.loads(private) == json.loads(plain)
    assert json.loads(private)["risk"] == "high"
    code, out, _ = run("fraud", "check", "bank-account", "004-123-456789-001", "--private", *hub)
    assert code == 0 and json.loads(out)["risk"] == "no record"


def test_a_bad_value_or_a_missing_hub_is_one_clear_line(
    world: World, live_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIONROCK_HUB", raising=False)
    monkeypatch.delenv("LIONROCK_TOKEN", raising=False)
    code, _, err = run("fraud", "check", "phone", "12345", "--private", "--hub", live_url, "--token", "x")
    assert code == 1 and "not a valid phone number" in err
    code, _, err = run("fraud", "check", "phone", "91234567", "--hub", live_url, "--token", "lr_wrong")
    assert code == 1 and "401" in err
    code, _, err = run("fraud", "check", "phone", "91234567")
    assert code == 1 and "--hub" in err
    code, _, err = run("fraud", "check", "iban", "x", "--hub", live_url, "--token", "x")
    assert code == 2
