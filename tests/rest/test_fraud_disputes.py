"""REST: disputes, false positives, notifications and the CSV import of fraud reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lionrock.hub import fraud_disputes
from lionrock.store import audit
from lionrock.store.engine import read_transaction
from lionrock.store.schema import fraud_reports
from tests.conftest import World

REPORTS = "/api/v1/fraud/reports"
DISPUTES = "/api/v1/fraud/disputes"
CHECK = "/api/v1/fraud/check"
NOTIFICATIONS = "/api/v1/notifications"
DATA = Path(__file__).resolve().parents[1] / "fraud" / "data"
ACCOUNT = "004-123-456789-001"
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def listed(client: TestClient, world: World) -> World:
    fraud_disputes.set_bank_codes(world.hub, "bank-a", ["004"])
    body = {"type": "bank-account", "value": ACCOUNT, "scam_type": "investment", "role": "receiving-account"}
    for org in ("bank-b", "bank-c"):
        assert client.post(REPORTS, headers=world.auth(org), json=body).status_code == 201
    return world


def dispute(client: TestClient, world: World, who: str = "bank-a", **extra: Any) -> Any:
    body = {"type": "bank-account", "value": ACCOUNT, "reason": "salary account of our customer", **extra}
    return client.post(DISPUTES, headers=world.auth(who), json=body)


def risk(client: TestClient, world: World) -> dict[str, Any]:
    r = client.get(CHECK, headers=world.auth("hkma"), params={"type": "bank-account", "value": ACCOUNT})
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def test_a_dispute_is_filed_listed_and_upheld_over_rest(client: TestClient, listed: World) -> None:
    r = dispute(client, listed, evidence="KYC review, ref R-77")
    assert r.status_code == 201, r.text
    d = r.json()
    assert (d["state"], d["evidence"], d["type"]) == ("open", "KYC review, ref R-77", "bank-account")
    assert (risk(client, listed)["risk"], risk(client, listed)["dispute"]) == ("medium", "disputed")
    mine = client.get(DISPUTES, headers=listed.auth("bank-a")).json()["disputes"]
    assert [x["id"] for x in mine] == [d["id"]]
    assert client.get(f"{DISPUTES}/{d['id']}", headers=listed.auth("ops")).json()["reason"]
    r = client.post(f"{DISPUTES}/{d['id']}/resolve", headers=listed.auth("ops"), json={"outcome": "upheld"})
    assert r.status_code == 200 and r.json()["state"] == "upheld"
    assert risk(client, listed)["risk"] == "no record"
    assert client.get(DISPUTES, headers=listed.auth("ops"), params={"state": "open"}).json() == {"disputes": []}


def test_a_second_open_dispute_is_409_and_an_identifier_without_reports_404(client: TestClient, listed: World) -> None:
    assert dispute(client, listed).status_code == 201
    assert dispute(client, listed, "ops").status_code == 409
    r = dispute(client, listed, value="004-999-999999-001")
    assert r.status_code == 404


def test_readers_get_403_and_other_banks_403(client: TestClient, listed: World) -> None:
    assert dispute(client, listed, "bank-a:reader").status_code == 403
    assert dispute(client, listed, "bank-b").status_code == 403
    body = {"type": "phone", "value": "91234567"}
    r = client.post("/api/v1/fraud/false-positives", headers=listed.auth("bank-a:reader"), json=body)
    assert r.status_code == 403


def test_the_filer_withdraws_and_the_operator_may_not_resolve_it_afterwards(client: TestClient, listed: World) -> None:
    d = dispute(client, listed).json()
    assert client.post(f"{DISPUTES}/{d['id']}/withdraw", headers=listed.auth("bank-a")).json()["state"] == "withdrawn"
    r = client.post(f"{DISPUTES}/{d['id']}/resolve", headers=listed.auth("ops"), json={"outcome": "rejected"})
    assert r.status_code == 409


def test_filing_and_resolving_are_audited_with_their_actions(client: TestClient, listed: World) -> None:
    d = dispute(client, listed).json()
    client.post(f"{DISPUTES}/{d['id']}/resolve", headers=listed.auth("ops"), json={"outcome": "rejected", "note": "ok"})
    with read_transaction(listed.hub.engine) as conn:
        actions = [e.action for e in audit.entries(conn, limit=5)]
    assert "fraud.dispute.file" in actions and "fraud.dispute.resolve" in actions


def test_false_positives_lower_the_check(client: TestClient, listed: World) -> None:
    assert risk(client, listed)["risk"] == "high"
    body = {"type": "bank-account", "value": ACCOUNT, "note": "payroll account"}
    r = client.post("/api/v1/fraud/false-positives", headers=listed.auth("bank-a"), json=body)
    assert r.status_code == 201 and r.json()["new"] is True
    assert risk(client, listed)["risk"] == "medium"


def test_notifications_are_listed_newest_first_and_marked_read(client: TestClient, listed: World) -> None:
    d = dispute(client, listed).json()
    client.post(f"{DISPUTES}/{d['id']}/resolve", headers=listed.auth("ops"), json={"outcome": "rejected"})
    notes = client.get(NOTIFICATIONS, headers=listed.auth("bank-b:reader")).json()["notifications"]
    assert [n["kind"] for n in notes] == ["fraud.dispute.resolved", "fraud.dispute.filed"]
    assert notes[0]["id"] > notes[1]["id"] and not notes[0]["read"]
    r = client.post(f"{NOTIFICATIONS}/{notes[0]['id']}/read", headers=listed.auth("bank-b"))
    assert r.status_code == 200
    unread = client.get(NOTIFICATIONS, headers=listed.auth("bank-b"), params={"unread": "true"}).json()
    assert [n["id"] for n in unread["notifications"]] == [notes[1]["id"]]
    page = client.get(NOTIFICATIONS, headers=listed.auth("bank-b"), params={"limit": 1, "before": notes[0]["id"]})
    assert [n["id"] for n in page.json()["notifications"]] == [notes[1]["id"]]
    assert client.get(NOTIFICATIONS, headers=listed.auth("bank-b"), params={"limit": 201}).status_code == 422


def test_a_police_list_csv_is_imported_all_at_once(client: TestClient, world: World) -> None:
    data = (DATA / "police_list.csv").read_bytes()
    r = client.post(REPORTS, headers={**world.auth("police"), **CSV}, content=data, params={"dry_run": "true"})
    assert r.status_code == 200 and r.json()["stored"] == 0 and r.json()["rows"] == 5
    r = client.post(REPORTS, headers={**world.auth("police"), **CSV}, content=data)
    assert r.status_code == 201, r.text
    assert (r.json()["stored"], r.json()["identifiers"]) == (5, 5)
    answer = client.get(CHECK, headers=world.auth("bank-a"), params={"type": "phone", "value": "91234567"}).json()
    assert answer["risk"] == "medium" and answer["scam_types"] == ["impersonation-of-officials"]
    with read_transaction(world.hub.engine) as conn:
        assert audit.entries(conn, limit=1)[0].action == "fraud.import"


def test_a_bank_export_drops_case_refs_and_keeps_bands(client: TestClient, world: World) -> None:
    r = client.post(REPORTS, headers={**world.auth("bank-b"), **CSV}, content=(DATA / "bank_export.csv").read_bytes())
    assert r.status_code == 201, r.text
    assert r.json()["ignored_columns"] == ["Case Ref"]
    with read_transaction(world.hub.engine) as conn:
        rows = conn.execute(select(fraud_reports.c.amount_band, fraud_reports.c.notes)).all()
    assert sorted(b for b, _ in rows) == ["100k-1m", "10k-100k", "1m-10m"]
    assert all(n is None for _, n in rows)


def test_a_bad_csv_line_is_named_and_nothing_is_stored(client: TestClient, world: World) -> None:
    data = b"Type,Identifier,Scam Type\nphone,91234567,investment\nphone,12345,investment\nphone,91234568,lottery\n"
    r = client.post(REPORTS, headers={**world.auth("bank-a"), **CSV}, content=data)
    assert r.status_code == 422
    problems = r.json()["error"]["problems"]
    assert [p["index"] for p in problems] == [3, 4]
    assert problems[0]["message"].startswith("line 3:")
    answer = client.get(CHECK, headers=world.auth("bank-a"), params={"type": "phone", "value": "91234567"}).json()
    assert answer["risk"] == "no record"


def test_readers_may_not_import_csv(client: TestClient, world: World) -> None:
    data = (DATA / "police_list.csv").read_bytes()
    assert client.post(REPORTS, headers={**world.auth("police:reader"), **CSV}, content=data).status_code == 403


def test_json_reports_still_work_beside_csv(client: TestClient, world: World) -> None:
    body = {"type": "phone", "value": "91234567", "scam_type": "investment", "role": "caller"}
    assert client.post(REPORTS, headers=world.auth("bank-a"), json=body).status_code == 201
