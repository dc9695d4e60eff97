"""Who may reveal the value behind a pseudonym, as a table: submitters (analyst, org-admin) without a
reason, law enforcement with one, everyone else refused (answered 404 by the hub)."""

from __future__ import annotations

import pytest

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.access.pseudonyms import MAX_REASON, MIN_REASON, Ground, needs_reason, reason_of, reveal_ground
from lionrock.errors import Invalid

BANK_A, BANK_B, POLICE, HKMA, OPS = 1, 2, 3, 4, 5
KINDS = {
    BANK_A: OrgKind.BANK,
    BANK_B: OrgKind.BANK,
    POLICE: OrgKind.LAW_ENFORCEMENT,
    HKMA: OrgKind.REGULATOR,
    OPS: OrgKind.OPERATOR,
}
REASON = "Case 2026/123: court order for the victim's identity"


def who(org: int, role: Role) -> Principal:
    return Principal(org, f"org-{org}", KINDS[org], role)


# (organisation, role, submitted by, reason, expected ground)
TABLE = [
    (BANK_A, Role.ANALYST, {BANK_A}, "", Ground.SUBMITTER),
    (BANK_A, Role.ORG_ADMIN, {BANK_A}, "", Ground.SUBMITTER),
    (BANK_A, Role.ANALYST, {BANK_A, BANK_B}, REASON, Ground.SUBMITTER),
    (BANK_A, Role.READER, {BANK_A}, REASON, None),  # a reader of the submitter
    (BANK_B, Role.ANALYST, {BANK_A}, REASON, None),  # another bank
    (BANK_B, Role.ORG_ADMIN, {BANK_A}, REASON, None),
    (POLICE, Role.ANALYST, {BANK_A}, REASON, Ground.LAW_ENFORCEMENT),
    (POLICE, Role.ORG_ADMIN, {BANK_B}, REASON, Ground.LAW_ENFORCEMENT),
    (POLICE, Role.ANALYST, {BANK_A}, "short", None),  # a reason too short
    (POLICE, Role.ANALYST, {BANK_A}, "", None),
    (POLICE, Role.READER, {BANK_A}, REASON, None),  # a reader of the police
    (POLICE, Role.ANALYST, set(), REASON, None),  # unknown: the same refusal
    (HKMA, Role.ANALYST, {BANK_A}, REASON, None),  # the regulator
    (HKMA, Role.ORG_ADMIN, {BANK_A}, REASON, None),
    (OPS, Role.OPERATOR, {BANK_A}, REASON, None),  # the hub's operator
    (BANK_A, Role.ANALYST, set(), "", None),  # unknown
]


@pytest.mark.parametrize(("org", "role", "submitters", "reason", "expected"), TABLE)
def test_reveal_rules(org: int, role: Role, submitters: set[int], reason: str, expected: Ground | None) -> None:
    assert reveal_ground(who(org, role), frozenset(submitters), reason) is expected


def test_law_enforcement_must_give_a_reason_before_anything_is_looked_up() -> None:
    police = who(POLICE, Role.ANALYST)
    assert needs_reason(police) and not needs_reason(who(BANK_A, Role.ANALYST))
    for bad in (None, "", " " * 50, "too short", "a\n\n\n\n\n\n\n\n\nb"):
        with pytest.raises(Invalid, match="reason"):
            reason_of(police, bad)
    assert reason_of(police, f"  {REASON}\n") == REASON
    assert len(REASON) >= MIN_REASON


@pytest.mark.parametrize("bad", [7, 1.5, ["a reason here"], {"why": "x"}, True, "x" * (MAX_REASON + 1)])
def test_a_reason_of_the_wrong_type_or_size_is_refused_for_everyone(bad: object) -> None:
    for org in (BANK_A, POLICE):
        with pytest.raises(Invalid):
            reason_of(who(org, Role.ANALYST), bad)


def test_a_submitter_needs_no_reason() -> None:
    assert reason_of(who(BANK_A, Role.ANALYST), None) == ""
