"""Who may do what with keys on the web, as a table: operators rotate and retire any key, an org-admin
creates and withdraws its own organisation's keys only, and another organisation's key is 'not found'."""

from __future__ import annotations

import pytest

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.access.permissions import key_scope, require_key_action
from lionrock.errors import Forbidden, Invalid, NotFound

OPS = Principal(9, "ops", OrgKind.OPERATOR, Role.OPERATOR)
ADMIN_A = Principal(1, "bank-a", OrgKind.BANK, Role.ORG_ADMIN)
ANALYST_A = Principal(1, "bank-a", OrgKind.BANK, Role.ANALYST)
READER_A = Principal(1, "bank-a", OrgKind.BANK, Role.READER)
HUB_KEY, A_KEY, B_KEY = None, 1, 2

ALLOWED, FORBIDDEN, NOT_FOUND = "ok", "403", "404"

TABLE = [
    (OPS, "rotate", HUB_KEY, ALLOWED),
    (OPS, "rotate", B_KEY, ALLOWED),
    (OPS, "retire", HUB_KEY, ALLOWED),
    (OPS, "withdraw", HUB_KEY, FORBIDDEN),  # destroying a hub key stays at the CLI
    (OPS, "withdraw", B_KEY, FORBIDDEN),  # an organisation's key is its own to withdraw
    (OPS, "create", B_KEY, FORBIDDEN),
    (ADMIN_A, "create", A_KEY, ALLOWED),
    (ADMIN_A, "withdraw", A_KEY, ALLOWED),
    (ADMIN_A, "rotate", A_KEY, FORBIDDEN),
    (ADMIN_A, "retire", A_KEY, FORBIDDEN),
    (ADMIN_A, "withdraw", B_KEY, NOT_FOUND),
    (ADMIN_A, "withdraw", HUB_KEY, NOT_FOUND),
    (ADMIN_A, "rotate", HUB_KEY, NOT_FOUND),
    (ADMIN_A, "create", B_KEY, NOT_FOUND),
    (ANALYST_A, "withdraw", A_KEY, FORBIDDEN),
    (ANALYST_A, "create", A_KEY, FORBIDDEN),
    (READER_A, "rotate", A_KEY, FORBIDDEN),
]


def _outcome(who: Principal, action: str, org_id: int | None) -> str:
    try:
        require_key_action(who, action, 7, org_id)
    except NotFound:
        return NOT_FOUND
    except Forbidden:
        return FORBIDDEN
    return ALLOWED


@pytest.mark.parametrize(("who", "action", "org_id", "expected"), TABLE)
def test_key_actions_follow_the_table(who: Principal, action: str, org_id: int | None, expected: str) -> None:
    assert _outcome(who, action, org_id) == expected


def test_an_unknown_key_action_is_refused_not_allowed() -> None:
    with pytest.raises(Invalid):
        require_key_action(OPS, "export", 7, None)


def test_operators_see_every_key_org_admins_their_own_others_none() -> None:
    assert key_scope(OPS).org_id is None
    assert key_scope(ADMIN_A).org_id == 1
    for who in (ANALYST_A, READER_A):
        with pytest.raises(Forbidden):
            key_scope(who)
