"""Demo fraud data: the documented checks answer each risk level, and loading twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from lionrock.access.model import Role
from lionrock.fraud.identifiers import normalise
from lionrock.hub import Hub
from lionrock.hub.demo import BANKS, POLICE, load_demo
from lionrock.hub.demo_fraud import CASES, EXPECTED, NO_RECORD
from lionrock.hub.fraud import CheckItem, check, check_many
from lionrock.hub.members import authenticate, create_token
from lionrock.store.schema import fraud_reports


def _reports(hub: Hub) -> int:
    with hub.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(fraud_reports)).scalar_one())


def test_demo_checks_answer_each_risk_level(hub: Hub) -> None:
    result = load_demo(hub)
    assert result.fraud_reports == sum(len(c.reports) for c in CASES)
    reader = authenticate(hub, create_token(hub, BANKS[0], Role.READER).secret)
    answers = check_many(hub, reader, [CheckItem(kind, value) for kind, value, _ in EXPECTED])
    assert [a["risk"] for a in answers] == [level for _, _, level in EXPECTED]
    assert {level for _, _, level in EXPECTED} == {"high", "medium", "low", "no record"}
    by_value = {a["value"]: a for a in answers}
    assert by_value["012-888-0001234"]["organisations"] == 3  # three organisations: the exact count
    assert by_value["1688888"]["organisations"] == "< 3"  # high from two banks, shown under the rule
    assert by_value["+85251234567"]["scam_types"] == ["impersonation-of-officials"]


def test_every_demo_case_is_checked_in_the_docs_and_no_record_values_are_never_reported() -> None:
    checked = {normalise(kind, value).id for kind, value, _ in EXPECTED}
    reported = {normalise(c.kind, c.value).id for c in CASES}
    assert reported <= checked
    assert not {normalise(kind, value).id for kind, value in NO_RECORD} & reported


def test_loading_the_demo_twice_adds_no_fraud_reports(hub: Hub) -> None:
    load_demo(hub)
    first = _reports(hub)
    again = load_demo(hub)
    assert again.fraud_reports == 0 and _reports(hub) == first


def test_a_partly_loaded_demo_is_completed_not_duplicated(hub: Hub) -> None:
    """Reports are added per (identifier, organisation): a case the Police already reported is not
    reported again, the others are."""
    load_demo(hub)
    total = _reports(hub)
    with hub.engine.begin() as conn:
        police_case = normalise(CASES[0].kind, CASES[0].value).id
        conn.execute(fraud_reports.delete().where(fraud_reports.c.identifier_id == police_case))
    assert load_demo(hub).fraud_reports == len(CASES[0].reports)
    assert _reports(hub) == total
    police = authenticate(hub, create_token(hub, POLICE, Role.READER).secret)
    assert check(hub, police, "bank-account", "012 888 0001234")["risk"] == "high"


def test_the_demo_bank_holding_code_024_may_dispute_the_demo_account(hub: Hub) -> None:
    from lionrock.hub import fraud_disputes

    load_demo(hub)
    lantau = authenticate(hub, create_token(hub, BANKS[2], Role.ANALYST).secret)
    d = fraud_disputes.file_dispute(hub, lantau, "bank-account", "024-888-000456-001", "salary account", None)
    assert d["state"] == "open"
