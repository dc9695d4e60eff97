"""Fraud dispute and notification pages: the holding bank files, the operator resolves, the reporters
read their notifications; another bank sees nothing of it; text stays text; zh-HK shows Chinese."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import Role
from lionrock.hub import fraud, fraud_disputes
from lionrock.hub.users import add_user
from tests.conftest import World
from tests.web.helpers import csrf_of, sign_in

ACCOUNT = "004-123-456789-001"
REASON = "<script>alert(1)</script> payroll account of our customer"


@pytest.fixture
def users(world: World) -> dict[str, str]:
    fraud_disputes.set_bank_codes(world.hub, "bank-a", ["004"])
    fraud.report_fraud(
        world.hub,
        world.principals["bank-b"],
        [fraud.FraudReport("bank-account", ACCOUNT, "investment", "receiving-account")],
    )
    return {
        "alice": add_user(world.hub, "bank-a", "alice", Role.ANALYST).password,
        "bea": add_user(world.hub, "bank-b", "bea", Role.ANALYST).password,
        "cai": add_user(world.hub, "bank-c", "cai", Role.ANALYST).password,
        "otto": add_user(world.hub, "ops", "otto", Role.OPERATOR).password,
    }


def _as(web: TestClient, users: dict[str, str], name: str) -> None:
    web.cookies.clear()
    assert sign_in(web, name, users[name]).status_code == 303


def _file(web: TestClient, users: dict[str, str]) -> None:
    _as(web, users, "alice")
    listing = web.get("/web/fraud/disputes")
    assert listing.status_code == 200 and "File a dispute" in listing.text
    body = {"csrf": csrf_of(listing), "type": "bank-account", "value": ACCOUNT, "reason": REASON, "evidence": "R-77"}
    sent = web.post("/web/fraud/disputes", data=body, follow_redirects=False)
    assert sent.status_code == 303, sent.text


def _dispute_id(world: World) -> int:
    return int(fraud_disputes.list_disputes(world.hub, world.principals["ops"])[0]["id"])


def test_the_holder_files_and_sees_its_dispute_as_text(web: TestClient, world: World, users: dict[str, str]) -> None:
    _file(web, users)
    page = web.get("/web/fraud/disputes")
    assert "004-123-456789001" in page.text and "&lt;script&gt;" in page.text and "<script>alert" not in page.text
    assert "Withdraw" in page.text and "Resolve" not in page.text


def test_the_operator_resolves_and_the_reporter_reads_its_notifications(
    web: TestClient, world: World, users: dict[str, str]
) -> None:
    _file(web, users)
    _as(web, users, "otto")
    listing = web.get("/web/fraud/disputes")
    assert "Resolve" in listing.text and "bank-a" in listing.text
    d = _dispute_id(world)
    body = {"csrf": csrf_of(listing), "outcome": "upheld", "note": "verified"}
    assert web.post(f"/web/fraud/disputes/{d}/resolve", data=body, follow_redirects=False).status_code == 303
    assert fraud.check(world.hub, world.principals["hkma"], "bank-account", ACCOUNT)["risk"] == "no record"
    _as(web, users, "bea")
    inbox = web.get("/web/notifications")
    assert inbox.status_code == 200 and "upheld" in inbox.text and "account holder" in inbox.text
    assert "Mark read" in inbox.text
    (newest, _) = fraud_disputes.notifications(world.hub, world.principals["bank-b"])
    sent = web.post(f"/web/notifications/{newest.id}/read", data={"csrf": csrf_of(inbox)}, follow_redirects=False)
    assert sent.status_code == 303
    assert fraud_disputes.notifications(world.hub, world.principals["bank-b"])[0].read


def test_another_bank_sees_nothing_and_cannot_act(web: TestClient, world: World, users: dict[str, str]) -> None:
    _file(web, users)
    d = _dispute_id(world)
    _as(web, users, "cai")
    listing = web.get("/web/fraud/disputes")
    assert "No disputes." in listing.text and ACCOUNT not in listing.text
    token = csrf_of(listing)
    assert web.post(f"/web/fraud/disputes/{d}/withdraw", data={"csrf": token}).status_code == 404
    sent = web.post(f"/web/fraud/disputes/{d}/resolve", data={"csrf": token, "outcome": "upheld"})
    assert sent.status_code == 404
    body = {"csrf": token, "type": "bank-account", "value": ACCOUNT, "reason": "mine"}
    assert web.post("/web/fraud/disputes", data=body).status_code == 403
    (n,) = fraud_disputes.notifications(world.hub, world.principals["bank-b"])
    assert web.post(f"/web/notifications/{n.id}/read", data={"csrf": token}).status_code == 404
    assert "No notifications." in web.get("/web/notifications").text


def test_the_filer_withdraws(web: TestClient, world: World, users: dict[str, str]) -> None:
    _file(web, users)
    listing = web.get("/web/fraud/disputes")
    sent = web.post(f"/web/fraud/disputes/{_dispute_id(world)}/withdraw", data={"csrf": csrf_of(listing)})
    assert sent.status_code == 200 and "withdrawn" in sent.text


@pytest.mark.parametrize(
    "body",
    [
        {"type": "pager", "value": ACCOUNT, "reason": "x"},
        {"type": "bank-account", "value": "", "reason": "x"},
        {"type": "bank-account", "value": ACCOUNT, "reason": "x" * 2001},
        {"type": "bank-account", "value": ACCOUNT, "reason": ""},
    ],
)
def test_bad_forms_are_422(web: TestClient, users: dict[str, str], body: dict[str, str]) -> None:
    _as(web, users, "alice")
    token = csrf_of(web.get("/web/fraud/disputes"))
    assert web.post("/web/fraud/disputes", data={"csrf": token, **body}).status_code == 422


def test_ids_out_of_range_are_404(web: TestClient, users: dict[str, str]) -> None:
    _as(web, users, "otto")
    token = csrf_of(web.get("/web/fraud/disputes"))
    for path in (f"/web/fraud/disputes/{2**40}/resolve", f"/web/notifications/{2**40}/read"):
        assert web.post(path, data={"csrf": token, "outcome": "upheld"}).status_code == 404


def test_the_pages_speak_hong_kong_chinese(web: TestClient, users: dict[str, str]) -> None:
    _as(web, users, "alice")
    web.post("/web/language", data={"csrf": csrf_of(web.get("/web/")), "language": "zh-HK"})
    page = web.get("/web/fraud/disputes")
    assert "詐騙名單爭議" in page.text and "提出爭議" in page.text
    assert "通知" in web.get("/web/notifications").text
