"""Disputes, false positives and notifications through the hub (SQLite, or PostgreSQL under .ci/run)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from lionrock.access.model import Principal, Role
from lionrock.errors import Conflict, Forbidden, Invalid, NotFound
from lionrock.hub import fraud, fraud_disputes
from lionrock.hub.members import authenticate, create_token
from lionrock.store import audit
from lionrock.store.engine import read_transaction
from tests.conftest import World

ACCOUNT = "004-123-456789-001"  # HSBC
DAY_US = 86_400 * 1_000_000


@pytest.fixture
def banks(world: World) -> World:
    """bank-a holds HSBC (004); bank-b and bank-c report one of its accounts."""
    fraud_disputes.set_bank_codes(world.hub, "bank-a", ["004"])
    for reporter in ("bank-b", "bank-c"):
        report(world, reporter)
    return world


def report(world: World, who: str, value: str = ACCOUNT, kind: str = "bank-account") -> None:
    fraud.report_fraud(
        world.hub, world.principals[who], [fraud.FraudReport(kind, value, "investment", "receiving-account")]
    )


def checked(world: World, value: str = ACCOUNT, kind: str = "bank-account") -> dict[str, Any]:
    return fraud.check(world.hub, world.principals["bank-a"], kind, value)


def file(world: World, who: str = "bank-a", value: str = ACCOUNT, kind: str = "bank-account") -> dict[str, Any]:
    return fraud_disputes.file_dispute(
        world.hub, world.principals[who], kind, value, "our customer's salary account", "KYC review ref R-77"
    )


def notes_of(world: World, org: str) -> list[str]:
    return [n.text for n in fraud_disputes.notifications(world.hub, world.principals[org])]


def names(text: str, org: str) -> bool:
    return re.search(rf"\b{re.escape(org)}\b", text) is not None


def reader(world: World, org: str) -> Principal:
    return authenticate(world.hub, world.tokens[f"{org}:reader"])


def test_the_bank_holding_the_account_files_and_the_check_shows_disputed_capped_at_medium(banks: World) -> None:
    assert checked(banks)["risk"] == "high"
    d = file(banks)
    assert (d["state"], d["filed_by"], d["value"]) == ("open", "bank-a", "004-123-456789001")
    answer = checked(banks)
    assert (answer["risk"], answer["dispute"]) == ("medium", "disputed")


def test_a_bank_may_not_dispute_another_banks_account(banks: World) -> None:
    with pytest.raises(Forbidden):
        file(banks, "bank-b")
    fraud_disputes.set_bank_codes(banks.hub, "bank-c", ["012"])
    with pytest.raises(Forbidden):
        file(banks, "bank-c")


def test_phones_and_ibans_are_disputed_by_the_operator_on_the_holders_behalf(banks: World) -> None:
    report(banks, "bank-b", "+852 9123 4567", "phone")
    with pytest.raises(Forbidden):
        file(banks, "bank-a", "+852 9123 4567", "phone")
    d = file(banks, "ops", "+852 9123 4567", "phone")
    assert d["filed_by"] == "ops"
    assert checked(banks, "+852 9123 4567", "phone")["dispute"] == "disputed"


def test_an_identifier_without_reports_cannot_be_disputed(banks: World) -> None:
    with pytest.raises(NotFound):
        file(banks, "bank-a", "004-999-999999-001")


def test_one_open_dispute_per_identifier(banks: World) -> None:
    file(banks)
    with pytest.raises(Conflict):
        file(banks, "ops")


def test_readers_neither_file_nor_record_false_positives(banks: World) -> None:
    with pytest.raises(Forbidden):
        fraud_disputes.file_dispute(banks.hub, reader(banks, "bank-a"), "bank-account", "not an account", "mine")
    with pytest.raises(Forbidden):
        fraud_disputes.file_dispute(banks.hub, reader(banks, "bank-a"), "bank-account", ACCOUNT, "mine")
    with pytest.raises(Forbidden):
        fraud_disputes.record_false_positive(banks.hub, reader(banks, "bank-a"), "bank-account", ACCOUNT)


def test_a_reason_holding_victims_data_is_refused(banks: World) -> None:
    with pytest.raises(Invalid, match="reason"):
        fraud_disputes.file_dispute(
            banks.hub, banks.principals["bank-a"], "bank-account", ACCOUNT, "victim A123456(7) agreed"
        )
    with pytest.raises(Invalid, match="reason is required"):
        fraud_disputes.file_dispute(banks.hub, banks.principals["bank-a"], "bank-account", ACCOUNT, "   ")


def test_upheld_removes_earlier_reports_and_later_ones_count_again(banks: World) -> None:
    d = file(banks)
    now = banks.hub.clock()
    banks.hub.clock = lambda: now + DAY_US
    fraud_disputes.resolve_dispute(banks.hub, banks.principals["ops"], d["id"], "upheld", "salary account, verified")
    banks.hub.clock = lambda: now + 2 * DAY_US
    answer = checked(banks)
    assert (answer["risk"], answer["dispute"], answer["organisations"]) == ("no record", "none", 0)
    report(banks, "bank-b")
    assert checked(banks)["risk"] == "medium"


def test_rejected_and_withdrawn_leave_the_listing_standing(banks: World) -> None:
    d = file(banks)
    fraud_disputes.resolve_dispute(banks.hub, banks.principals["ops"], d["id"], "rejected", None)
    assert checked(banks)["risk"] == "high"
    d = file(banks)
    closed = fraud_disputes.withdraw_dispute(banks.hub, banks.principals["bank-a"], d["id"])
    assert closed["state"] == "withdrawn"
    assert (checked(banks)["risk"], checked(banks)["dispute"]) == ("high", "none")


def test_only_the_operator_resolves_and_only_the_filer_withdraws(banks: World) -> None:
    d = file(banks)
    with pytest.raises(Forbidden):
        fraud_disputes.resolve_dispute(banks.hub, banks.principals["bank-a"], d["id"], "upheld", None)
    with pytest.raises(NotFound):
        fraud_disputes.resolve_dispute(banks.hub, banks.principals["bank-b"], d["id"], "upheld", None)
    with pytest.raises(NotFound):
        fraud_disputes.withdraw_dispute(banks.hub, banks.principals["bank-b"], d["id"])
    with pytest.raises(Forbidden):
        fraud_disputes.withdraw_dispute(banks.hub, banks.principals["ops"], d["id"])
    with pytest.raises(Forbidden):
        fraud_disputes.withdraw_dispute(banks.hub, reader(banks, "bank-a"), d["id"])
    with pytest.raises(Invalid):
        fraud_disputes.resolve_dispute(banks.hub, banks.principals["ops"], d["id"], "withdrawn", None)
    fraud_disputes.resolve_dispute(banks.hub, banks.principals["ops"], d["id"], "upheld", None)
    with pytest.raises(Conflict):
        fraud_disputes.resolve_dispute(banks.hub, banks.principals["ops"], d["id"], "rejected", None)
    with pytest.raises(Conflict):
        fraud_disputes.withdraw_dispute(banks.hub, banks.principals["bank-a"], d["id"])


def test_disputes_are_seen_by_their_filer_and_the_operator_only(banks: World) -> None:
    d = file(banks)
    assert [x["id"] for x in fraud_disputes.list_disputes(banks.hub, banks.principals["bank-a"])] == [d["id"]]
    assert [x["id"] for x in fraud_disputes.list_disputes(banks.hub, reader(banks, "bank-a"))] == [d["id"]]
    assert [x["id"] for x in fraud_disputes.list_disputes(banks.hub, banks.principals["ops"])] == [d["id"]]
    assert fraud_disputes.list_disputes(banks.hub, banks.principals["bank-b"]) == []
    with pytest.raises(NotFound):
        fraud_disputes.get_dispute(banks.hub, banks.principals["bank-b"], d["id"])
    assert fraud_disputes.get_dispute(banks.hub, banks.principals["ops"], d["id"])["reason"]


def test_reporters_are_notified_without_the_disputers_name_and_the_filer_without_theirs(banks: World) -> None:
    d = file(banks)
    for org in ("bank-b", "bank-c"):
        (text,) = notes_of(banks, org)
        assert "account holder" in text and not names(text, "bank-a") and "disputed" in text
    assert notes_of(banks, "bank-a") == [] and notes_of(banks, "hkma") == []
    fraud_disputes.resolve_dispute(banks.hub, banks.principals["ops"], d["id"], "upheld", "verified salary account")
    for org in ("bank-b", "bank-c"):
        newest = notes_of(banks, org)[0]
        assert "upheld" in newest and not names(newest, "bank-a") and "verified salary account" in newest
    (mine,) = notes_of(banks, "bank-a")
    assert "Your dispute" in mine and not names(mine, "bank-b") and not names(mine, "bank-c")


def test_notifications_are_marked_read_by_their_own_organisation_only(banks: World) -> None:
    file(banks)
    (n,) = fraud_disputes.notifications(banks.hub, banks.principals["bank-b"])
    with pytest.raises(NotFound):
        fraud_disputes.mark_read(banks.hub, banks.principals["bank-c"], n.id)
    assert not fraud_disputes.notifications(banks.hub, banks.principals["bank-b"])[0].read
    fraud_disputes.mark_read(banks.hub, banks.principals["bank-b"], n.id)
    fraud_disputes.mark_read(banks.hub, banks.principals["bank-b"], n.id)
    assert fraud_disputes.notifications(banks.hub, banks.principals["bank-b"])[0].read
    assert fraud_disputes.notifications(banks.hub, banks.principals["bank-b"], unread_only=True) == []


def test_filing_and_resolving_are_audited(banks: World) -> None:
    d = file(banks)
    fraud_disputes.resolve_dispute(banks.hub, banks.principals["ops"], d["id"], "rejected", None)
    with read_transaction(banks.hub.engine) as conn:
        actions = [(e.action, e.org_id) for e in audit.entries(conn, limit=2)]
    assert ("fraud.dispute.file", banks.org_ids["bank-a"]) in actions
    assert ("fraud.dispute.resolve", banks.org_ids["ops"]) in actions


def test_false_positives_count_once_per_organisation(banks: World) -> None:
    assert checked(banks)["risk"] == "high"
    first = fraud_disputes.record_false_positive(
        banks.hub, banks.principals["bank-a"], "bank-account", ACCOUNT, "payroll"
    )
    again = fraud_disputes.record_false_positive(banks.hub, banks.principals["bank-a"], "bank-account", ACCOUNT)
    assert (first["new"], again["new"]) == (True, False)
    assert checked(banks)["risk"] == "medium"  # 2.0 halved once: 1.0
    fraud_disputes.record_false_positive(banks.hub, banks.principals["hkma"], "bank-account", ACCOUNT)
    assert checked(banks)["risk"] == "low"  # halved twice: 0.5


def test_bank_codes_are_set_by_operators_and_checked_against_the_table(world: World) -> None:
    with pytest.raises(Invalid, match="unknown"):
        fraud_disputes.set_bank_codes(world.hub, "bank-a", ["004", "999"])
    with pytest.raises(Forbidden):
        fraud_disputes.set_bank_codes(world.hub, "bank-a", ["004"], world.principals["bank-a"])
    with pytest.raises(NotFound):
        fraud_disputes.set_bank_codes(world.hub, "no-such-bank", ["004"])
    assert fraud_disputes.set_bank_codes(world.hub, "bank-a", ["024", "004", "004"], world.principals["ops"]) == [
        "004",
        "024",
    ]
    assert fraud_disputes.bank_codes(world.hub, "bank-a") == ["004", "024"]
    assert fraud_disputes.set_bank_codes(world.hub, "bank-a", []) == []


def test_an_org_admin_of_the_holding_bank_files_too(banks: World) -> None:
    admin = authenticate(banks.hub, create_token(banks.hub, "bank-a", Role.ORG_ADMIN).secret)
    d = fraud_disputes.file_dispute(banks.hub, admin, "bank-account", ACCOUNT, "ours")
    assert d["state"] == "open"


def test_every_risk_path_sees_an_open_dispute_the_private_bucket_and_the_identifier_page(banks: World) -> None:
    """The private bucket and the identifier page answer through the same assessment as the check."""
    from lionrock.fraud import oprf
    from lionrock.fraud.private import oprf_input, prefix_of
    from lionrock.hub import fraud_private, fraud_views
    from lionrock.hub.fraud_index import prf_key
    from lionrock.store.engine import write_transaction

    file(banks)
    ident = checked(banks)["id"]
    with write_transaction(banks.hub.engine) as conn:
        tag = oprf.evaluate(prf_key(conn, banks.hub.settings), oprf_input(ident))
    entries = fraud_private.bucket(banks.hub, reader(banks, "bank-c"), prefix_of(tag))
    mine = [e for e in entries if e["tag"] == base64.b64encode(tag).decode()]
    assert [(e["risk"], e["dispute"]) for e in mine] == [("medium", "disputed")]
    view = fraud_views.identifier_view(banks.hub, reader(banks, "bank-c"), ident)
    assert view.answer["dispute"] == "disputed"
    assert (view.history[-1].assessment.level.label, view.history[-1].assessment.disputed) == ("medium", True)


def test_the_database_itself_refuses_a_second_open_dispute_when_two_filings_race(banks: World) -> None:
    """The use case checks first; two requests racing past that check meet the partial unique index."""
    from lionrock.store import fraud as fraud_store
    from lionrock.store.engine import write_transaction

    d = file(banks)
    ident = checked(banks)["id"]
    fields = {"kind": "bank-account", "value": d["value"], "reason": "again", "evidence": None, "now": 1}
    with pytest.raises(Conflict), write_transaction(banks.hub.engine) as conn:
        fraud_store.add_dispute(conn, identifier_id=ident, filed_by=1, filed_by_user=None, **fields)
    assert checked(banks)["dispute"] == "disputed"


def test_a_false_positive_recorded_twice_in_one_transaction_counts_once(banks: World) -> None:
    from lionrock.store import fraud as fraud_store
    from lionrock.store.engine import write_transaction

    ident = checked(banks)["id"]
    with write_transaction(banks.hub.engine) as conn:
        assert fraud_store.add_false_positive(conn, ident, 1, "first", 1) is True
        assert fraud_store.add_false_positive(conn, ident, 1, "second", 2) is False
        assert fraud_store.false_positives_of(conn, [ident]) == {ident: [(1, 2)]}
