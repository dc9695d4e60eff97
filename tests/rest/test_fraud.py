"""REST: fraud observables' ids, fraud reports and the pre-payment check (issue 10)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lionrock.fraud.identifiers import normalise
from lionrock.store import audit
from lionrock.store.engine import read_transaction
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


REPORTS = "/api/v1/fraud/reports"
CHECK = "/api/v1/fraud/check"


def _report(value: str = "+852 9123 4567", **extra: Any) -> dict[str, Any]:
    return {"type": "phone", "value": value, "scam_type": "investment", "role": "caller", **extra}


def test_a_report_is_normalised_stored_and_audited(client: TestClient, world: World) -> None:
    r = client.post(REPORTS, headers=world.auth("bank-a"), json=_report(amount_band="100k-1m", notes="fake app"))
    assert r.status_code == 201, r.text
    phone = normalise("phone", "+85291234567")
    assert r.json() == {"stored": 1, "identifiers": [{"id": phone.id, "type": "phone", "value": "+85291234567"}]}
    with read_transaction(world.hub.engine) as conn:
        last = audit.entries(conn, limit=1)[0]
    assert (last.action, last.subject, last.org_id) == ("fraud.report", phone.id, world.org_ids["bank-a"])


def test_a_list_is_all_or_nothing_and_names_each_bad_row(client: TestClient, world: World) -> None:
    rows = [
        _report(),
        _report("12345"),
        _report(scam_type="lottery"),
        _report(notes="victim A123456(7) paid"),
        _report(confidence=101),
        _report(reported="2099-01-01"),
    ]
    r = client.post(REPORTS, headers=world.auth("bank-a"), json=rows)
    assert r.status_code == 422
    problems = r.json()["error"]["problems"]
    assert [p["index"] for p in problems] == [4]  # the malformed row first: nothing semantic is tried
    rows.pop(4)
    r = client.post(REPORTS, headers=world.auth("bank-a"), json=rows)
    assert r.status_code == 422
    by_index = {p["index"]: p["message"] for p in r.json()["error"]["problems"]}
    assert sorted(by_index) == [1, 2, 3, 4]
    assert "lottery" in by_index[2] and "HKID" in by_index[3] and "future" in by_index[4]
    got = client.get(CHECK, params={"type": "phone", "value": "91234567"}, headers=world.auth("bank-a")).json()
    assert got["risk"] == "no record"  # the good row was not stored either


def test_readers_may_check_but_not_report(client: TestClient, world: World) -> None:
    assert client.post(REPORTS, headers=world.auth("bank-a:reader"), json=_report()).status_code == 403
    r = client.get(CHECK, params={"type": "phone", "value": "91234567"}, headers=world.auth("bank-a:reader"))
    assert r.status_code == 200 and r.json()["risk"] == "no record" and r.json()["organisations"] == 0
    assert client.get(CHECK, params={"type": "phone", "value": "91234567"}).status_code == 401


def test_reports_over_the_limit_are_413(client: TestClient, world: World) -> None:
    r = client.post(REPORTS, headers=world.auth("bank-a"), json=[_report()] * 1001)
    assert r.status_code == 413
    assert client.post(REPORTS, headers=world.auth("bank-a"), json=[]).status_code == 422
    assert client.post(REPORTS, headers=world.auth("bank-a"), json="x").status_code == 400
