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


def _check(client: TestClient, world: World, value: str, who: str = "bank-c", kind: str = "phone") -> Any:
    r = client.get(CHECK, params={"type": kind, "value": value}, headers=world.auth(who))
    assert r.status_code == 200, r.text
    return r.json()


def test_two_spellings_two_banks_one_identifier_then_a_third_organisation(client: TestClient, world: World) -> None:
    assert client.post(REPORTS, headers=world.auth("bank-a"), json=_report("+852 9123 4567")).status_code == 201
    assert (
        client.post(REPORTS, headers=world.auth("bank-b"), json=_report("91234567", scam_type="romance")).status_code
        == 201
    )
    got = _check(client, world, "852-9123 4567")
    assert got["id"] == normalise("phone", "91234567").id and got["value"] == "+85291234567"
    assert got["organisations"] == "< 3" and got["risk"] == "high"  # two banks, certain, today
    assert got["scam_types"] == ["investment", "romance"] and got["dispute"] == "none"
    assert got["latest_report"] is not None
    # reports from one organisation count once
    client.post(REPORTS, headers=world.auth("bank-b"), json=[_report("91234567")] * 3)
    assert _check(client, world, "91234567")["organisations"] == "< 3"
    assert client.post(REPORTS, headers=world.auth("police"), json=_report("tel:+852-9123-4567")).status_code == 201
    got = _check(client, world, "91234567", who="bank-a:reader")
    assert got["organisations"] == 3 and got["risk"] == "high"
    assert not any(name in str(got) for name in ("bank-a", "bank-b", "police"))  # never who reported


def test_one_bank_alone_shows_less_than_three_and_medium(client: TestClient, world: World) -> None:
    client.post(REPORTS, headers=world.auth("bank-a"), json=_report("004-123-456789-001", type="bank-account"))
    got = _check(client, world, "HSBC 123 456789 001", kind="bank-account")
    assert (got["risk"], got["organisations"]) == ("medium", "< 3")
    # an FPS mobile proxy is the phone number: one identifier
    client.post(REPORTS, headers=world.auth("bank-a"), json=_report("98765432", type="fps", role="receiving-account"))
    assert _check(client, world, "+852 9876 5432")["risk"] == "medium"


def test_bad_values_and_unknown_types_are_422_with_the_reason(client: TestClient, world: World) -> None:
    r = client.get(CHECK, params={"type": "phone", "value": "12345"}, headers=world.auth("bank-a"))
    assert r.status_code == 422 and "12345" in r.json()["error"]["message"]
    r = client.get(CHECK, params={"type": "pager", "value": "12345"}, headers=world.auth("bank-a"))
    assert r.status_code == 422 and "unknown identifier kind" in r.json()["error"]["message"]
    r = client.get(CHECK, params={"type": "bank-account", "value": "999-123-456789"}, headers=world.auth("bank-a"))
    assert r.status_code == 422
    assert client.get(CHECK, params={"type": "phone"}, headers=world.auth("bank-a")).status_code == 422


def test_batch_check_answers_in_order_with_limits(client: TestClient, world: World) -> None:
    for org in ("bank-a", "bank-b", "hkma"):
        client.post(REPORTS, headers=world.auth(org), json=_report("91234567"))
    checks = [{"type": "phone", "value": "9123 4567"}, {"type": "email", "value": "nobody@example.com"}]
    r = client.post(CHECK, headers=world.auth("bank-c:reader"), json={"checks": checks})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["risk"] for x in results] == ["high", "no record"] and results[0]["organisations"] == 3
    big = {"checks": [{"type": "phone", "value": "91234567"}] * 1000}
    assert client.post(CHECK, headers=world.auth("bank-c"), json=big).status_code == 200
    big["checks"].append({"type": "phone", "value": "91234567"})
    assert client.post(CHECK, headers=world.auth("bank-c"), json=big).status_code == 413
    bad = {"checks": [checks[0], {"type": "phone", "value": "nope"}, {"type": "x", "value": "1"}, {"value": "1"}]}
    r = client.post(CHECK, headers=world.auth("bank-c"), json=bad)
    assert r.status_code == 422 and [p["index"] for p in r.json()["error"]["problems"]] == [3]
    bad["checks"].pop()
    r = client.post(CHECK, headers=world.auth("bank-c"), json=bad)
    assert r.status_code == 422 and [p["index"] for p in r.json()["error"]["problems"]] == [1, 2]
    assert client.post(CHECK, headers=world.auth("bank-c"), json={"checks": []}).status_code == 422
    assert client.post(CHECK, headers=world.auth("bank-c"), json=[checks[0]]).status_code == 400
