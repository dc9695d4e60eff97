"""The pure dispute rules: who files, who resolves, who withdraws, who sees."""

from __future__ import annotations

import pytest

from lionrock.access.fraud_disputes import (
    DisputeFacts,
    State,
    may_see,
    require_filer,
    require_notification_owner,
    require_resolver,
    require_visible,
    require_withdrawer,
)
from lionrock.access.model import OrgKind, Principal, Role
from lionrock.errors import Conflict, Forbidden, Invalid, NotFound

BANK_A = Principal(1, "bank-a", OrgKind.BANK, Role.ANALYST)
BANK_A_READER = Principal(1, "bank-a", OrgKind.BANK, Role.READER)
BANK_B = Principal(2, "bank-b", OrgKind.BANK, Role.ORG_ADMIN)
OPS = Principal(9, "ops", OrgKind.OPERATOR, Role.OPERATOR)
OPEN = DisputeFacts(7, 1, State.OPEN)
HSBC = frozenset({"004"})


def test_the_bank_holding_the_code_files() -> None:
    require_filer(BANK_A, has_reports=True, bank_code="004", held_codes=HSBC, has_open=False)


@pytest.mark.parametrize(
    ("who", "code", "held"),
    [(BANK_B, "004", frozenset({"024"})), (BANK_A, None, HSBC), (BANK_A, "012", HSBC), (BANK_A_READER, "004", HSBC)],
)
def test_nobody_else_files(who: Principal, code: str | None, held: frozenset[str]) -> None:
    with pytest.raises(Forbidden):
        require_filer(who, has_reports=True, bank_code=code, held_codes=held, has_open=False)


def test_the_operator_files_for_any_identifier() -> None:
    require_filer(OPS, has_reports=True, bank_code=None, held_codes=frozenset(), has_open=False)


def test_no_reports_is_404_and_an_open_dispute_409() -> None:
    with pytest.raises(NotFound):
        require_filer(BANK_A, has_reports=False, bank_code="004", held_codes=HSBC, has_open=False)
    with pytest.raises(Conflict):
        require_filer(BANK_A, has_reports=True, bank_code="004", held_codes=HSBC, has_open=True)


def test_the_filer_and_the_operator_see_a_dispute_others_get_404() -> None:
    assert may_see(BANK_A, OPEN) and may_see(BANK_A_READER, OPEN) and may_see(OPS, OPEN)
    with pytest.raises(NotFound):
        require_visible(BANK_B, OPEN, 7)
    with pytest.raises(NotFound):
        require_visible(OPS, None, 7)


def test_only_the_operator_resolves_an_open_dispute() -> None:
    assert require_resolver(OPS, OPEN, 7, State.UPHELD) == OPEN
    with pytest.raises(Forbidden):
        require_resolver(BANK_A, OPEN, 7, State.UPHELD)
    with pytest.raises(NotFound):
        require_resolver(BANK_B, OPEN, 7, State.REJECTED)
    with pytest.raises(Invalid):
        require_resolver(OPS, OPEN, 7, State.WITHDRAWN)
    with pytest.raises(Conflict):
        require_resolver(OPS, DisputeFacts(7, 1, State.REJECTED), 7, State.UPHELD)


def test_only_a_publisher_of_the_filer_withdraws() -> None:
    assert require_withdrawer(BANK_A, OPEN, 7) == OPEN
    with pytest.raises(Forbidden):
        require_withdrawer(BANK_A_READER, OPEN, 7)
    with pytest.raises(Forbidden):
        require_withdrawer(OPS, OPEN, 7)
    with pytest.raises(NotFound):
        require_withdrawer(BANK_B, OPEN, 7)
    with pytest.raises(Conflict):
        require_withdrawer(BANK_A, DisputeFacts(7, 1, State.WITHDRAWN), 7)


def test_notifications_belong_to_their_organisation() -> None:
    require_notification_owner(BANK_A, 1, 3)
    for owner in (2, None):
        with pytest.raises(NotFound):
            require_notification_owner(BANK_A, owner, 3)
