"""REST: fraud observables' ids, fraud reports and the pre-payment check (issue 10)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lionrock.fraud.identifiers import normalise
from tests.conftest import World, bundle

BUNDLES = "/api/v1/bundles"


def _post(client: TestClient, world: World, obj: dict[str, Any]) -> Any:
    body = {"bundle": bundle(obj), "tlp": "green", "audience": {"community": True}}
    return client.post(BUNDLES, headers=world.auth("bank-a"), json=body)


@pytest.mark.parametrize(
    ("kind", "raw"),
    [("phone", "+852 9123 4567"), ("bank-account", "004-123-456789-001"), ("fps-id", "FPS ID: 1234567")],
)
def test_fraud_scos_with_their_own_ids_are_stored_and_forged_ids_refused(
    client: TestClient, world: World, kind: str, raw: str
) -> None:
    obj = normalise(kind, raw).stix()
    r = _post(client, world, obj)
    assert r.status_code == 201, r.text
    assert r.json()["stored"] == [obj["id"]]
    forged = {**obj, "id": f"{obj['type']}--{uuid.uuid5(uuid.NAMESPACE_URL, 'someone else')}"}
    r = _post(client, world, forged)
    assert r.status_code == 422
    assert "deterministic id" in r.text and obj["id"] in r.text


def test_the_app_loads_the_fraud_id_rules_by_itself() -> None:
    """This module imports lionrock.fraud itself, so check in a fresh interpreter that the app does."""
    code = "import lionrock.app, lionrock.stix.sco_ids as s; print(sorted(t for t in s.REGISTRY if 'fps' in t))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['hk-fps-id']"
