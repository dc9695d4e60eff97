"""A hostile member against disputes, notifications and the CSV import: refused cleanly, never a 5xx,
nothing of another organisation's shown, nothing stored from a bad file."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from lionrock.fraud import csv_reports
from lionrock.hub import fraud_disputes
from lionrock.store.engine import read_transaction
from lionrock.store.schema import fraud_reports
from tests.conftest import World

REPORTS = "/api/v1/fraud/reports"
DISPUTES = "/api/v1/fraud/disputes"
NOTIFICATIONS = "/api/v1/notifications"
ACCOUNT = "004-123-456789-001"
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def disputed(client: TestClient, world: World) -> tuple[World, int]:
    """bank-a holds HSBC; bank-b reported one of its accounts; bank-a disputes it."""
    fraud_disputes.set_bank_codes(world.hub, "bank-a", ["004"])
    fraud_disputes.set_bank_codes(world.hub, "bank-c", ["024"])
    body = {"type": "bank-account", "value": ACCOUNT, "scam_type": "investment", "role": "receiving-account"}
    assert client.post(REPORTS, headers=world.auth("bank-b"), json=body).status_code == 201
    r = client.post(
        DISPUTES, headers=world.auth("bank-a"), json={"type": "bank-account", "value": ACCOUNT, "reason": "ours"}
    )
    assert r.status_code == 201
    return world, int(r.json()["id"])


def _stored(world: World) -> int:
    with read_transaction(world.hub.engine) as conn:
        return int(conn.execute(select(func.count()).select_from(fraud_reports)).scalar_one())


def test_a_bank_cannot_dispute_another_banks_account(client: TestClient, disputed: tuple[World, int]) -> None:
    world, _ = disputed
    body = {"type": "bank-account", "value": ACCOUNT, "reason": "not theirs"}
    for org in ("bank-b", "bank-c", "hkma", "police"):
        assert client.post(DISPUTES, headers=world.auth(org), json=body).status_code == 403, org


def test_a_bank_cannot_resolve_even_its_own_dispute(client: TestClient, disputed: tuple[World, int]) -> None:
    world, dispute_id = disputed
    body = {"outcome": "upheld"}
    assert client.post(f"{DISPUTES}/{dispute_id}/resolve", headers=world.auth("bank-a"), json=body).status_code == 403
    assert client.post(f"{DISPUTES}/{dispute_id}/resolve", headers=world.auth("bank-b"), json=body).status_code == 404
    assert client.post(f"{DISPUTES}/{dispute_id}/withdraw", headers=world.auth("bank-b")).status_code == 404


def test_another_organisations_dispute_is_not_found(client: TestClient, disputed: tuple[World, int]) -> None:
    world, dispute_id = disputed
    for org in ("bank-b", "bank-c", "hkma"):
        r = client.get(f"{DISPUTES}/{dispute_id}", headers=world.auth(org))
        assert r.status_code == 404 and "bank-a" not in r.text
        assert client.get(DISPUTES, headers=world.auth(org)).json() == {"disputes": []}
    assert client.get(f"{DISPUTES}/{dispute_id + 1}", headers=world.auth("bank-a")).status_code == 404


def test_another_organisations_notifications_are_invisible(client: TestClient, disputed: tuple[World, int]) -> None:
    world, _ = disputed
    (note,) = client.get(NOTIFICATIONS, headers=world.auth("bank-b")).json()["notifications"]
    assert client.get(NOTIFICATIONS, headers=world.auth("bank-c")).json() == {"notifications": []}
    assert client.post(f"{NOTIFICATIONS}/{note['id']}/read", headers=world.auth("bank-c")).status_code == 404
    assert client.post(f"{NOTIFICATIONS}/{note['id']}/read", headers=world.auth("bank-a")).status_code == 404
    assert not client.get(NOTIFICATIONS, headers=world.auth("bank-b")).json()["notifications"][0]["read"]


@pytest.mark.parametrize(
    "body",
    [
        {"type": 1, "value": ACCOUNT, "reason": "x"},
        {"type": "bank-account", "value": ["x"], "reason": "x"},
        {"type": "bank-account", "value": ACCOUNT, "reason": None},
        {"type": "bank-account", "value": ACCOUNT, "reason": "x", "evidence": 5},
        {"type": "bank-account", "value": ACCOUNT, "reason": "x", "filed_by": "bank-b"},
        {"type": "bank-account", "value": ACCOUNT, "reason": "x" * 2001},
        {"type": "bank-account", "value": ACCOUNT},
    ],
)
def test_wrong_json_types_are_422(client: TestClient, disputed: tuple[World, int], body: dict[str, Any]) -> None:
    world, _ = disputed
    assert client.post(DISPUTES, headers=world.auth("bank-a"), json=body).status_code == 422


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/resolve", {"outcome": "maybe"}, 422),
        ("/resolve", {"outcome": "upheld", "note": 1}, 422),
        ("/resolve", {"outcome": "withdrawn"}, 422),
        ("/resolve", [], 400),
    ],
)
def test_wrong_resolutions_are_refused(
    client: TestClient, disputed: tuple[World, int], path: str, body: Any, status: int
) -> None:
    world, dispute_id = disputed
    assert client.post(f"{DISPUTES}/{dispute_id}{path}", headers=world.auth("ops"), json=body).status_code == status


@pytest.mark.parametrize("dispute_id", ["0", "-1", "abc", str(2**31), str(10**30)])
def test_ids_out_of_range_are_422(client: TestClient, disputed: tuple[World, int], dispute_id: str) -> None:
    world, _ = disputed
    assert client.get(f"{DISPUTES}/{dispute_id}", headers=world.auth("ops")).status_code == 422
    assert client.post(f"{NOTIFICATIONS}/{dispute_id}/read", headers=world.auth("ops")).status_code == 422


def test_a_huge_csv_is_413(client: TestClient, world: World) -> None:
    data = b"Phone,Scam Type\n" + b"91234567,loan\n" * (csv_reports.MAX_BYTES // 14 + 1)
    assert client.post(REPORTS, headers={**world.auth("bank-a"), **CSV}, content=data).status_code == 413
    assert _stored(world) == 0


def test_a_million_rows_are_refused_without_storing(client: TestClient, world: World) -> None:
    data = b"Phone,Scam Type\n" + b"1,a\n" * 1_000_000
    r = client.post(REPORTS, headers={**world.auth("bank-a"), **CSV}, content=data)
    assert r.status_code == 413 and "rows" in r.json()["error"]["message"]
    assert _stored(world) == 0


def test_a_one_megabyte_field_is_refused(client: TestClient, world: World) -> None:
    data = b"Phone,Scam Type,Notes\n91234567,loan," + b"a" * 1_000_000 + b"\n"
    r = client.post(REPORTS, headers={**world.auth("bank-a"), **CSV}, content=data)
    assert r.status_code == 422
    assert _stored(world) == 0


def test_nul_bytes_and_garbage_are_refused(client: TestClient, world: World) -> None:
    for data in (b"Phone,Scam Type\n9123\x004567,loan\n", "Phone,Scam Type\n".encode("utf-16"), b"\xff\xfe\xfa" * 100):
        r = client.post(REPORTS, headers={**world.auth("bank-a"), **CSV}, content=data)
        assert r.status_code in (400, 422), r.text
    assert _stored(world) == 0


def test_a_formula_is_refused_as_a_value_and_stored_inertly_as_notes(client: TestClient, world: World) -> None:
    as_value = b"Phone,Scam Type\n\"=cmd|' /C calc'!A0\",loan\n"
    assert client.post(REPORTS, headers={**world.auth("bank-a"), **CSV}, content=as_value).status_code == 422
    as_notes = b'Phone,Scam Type,Notes\n91234567,loan,"=HYPERLINK(""http://x"")"\n'
    assert client.post(REPORTS, headers={**world.auth("bank-a"), **CSV}, content=as_notes).status_code == 201
    with read_transaction(world.hub.engine) as conn:
        assert conn.execute(select(fraud_reports.c.notes)).scalar_one() == '=HYPERLINK("http://x")'
