"""The pure advisory rules: who publishes, who is addressed, who sees which answers, who is overdue."""

from __future__ import annotations

import pytest

from lionrock.access.advisories import (
    Answer,
    answers_shown,
    exposure_totals,
    overdue,
    recipients,
    require_advisory_publisher,
    require_may_respond,
)
from lionrock.access.model import Audience, OrgKind, Principal, Role
from lionrock.errors import Conflict, Forbidden

KINDS = {1: OrgKind.REGULATOR, 2: OrgKind.BANK, 3: OrgKind.BANK, 4: OrgKind.OPERATOR, 5: OrgKind.LAW_ENFORCEMENT}


def who(org_id: int, kind: OrgKind = OrgKind.BANK, role: Role = Role.ANALYST) -> Principal:
    return Principal(org_id, f"org{org_id}", kind, role)


def answer(org_id: int, ack: int | None = 1, exposure: str | None = None) -> Answer:
    return Answer(org_id, ack, exposure, f"note {org_id}", 1)


@pytest.mark.parametrize("kind", [OrgKind.BANK, OrgKind.OPERATOR])
def test_only_regulators_and_law_enforcement_publish(kind: OrgKind) -> None:
    with pytest.raises(Forbidden):
        require_advisory_publisher(who(1, kind))
    require_advisory_publisher(who(1, OrgKind.REGULATOR))
    require_advisory_publisher(who(5, OrgKind.LAW_ENFORCEMENT))


def test_a_reader_token_does_not_publish() -> None:
    with pytest.raises(Forbidden):
        require_advisory_publisher(who(1, OrgKind.REGULATOR, Role.READER))


def test_community_means_every_member_but_operators_and_the_publisher() -> None:
    assert recipients(Audience(community=True), 1, KINDS, {}) == {2, 3, 5}


def test_groups_and_named_orgs_are_their_members() -> None:
    aud = Audience(group_ids=frozenset({7}), org_ids=frozenset({5}))
    assert recipients(aud, 1, KINDS, {7: [1, 2]}) == {2, 5}


def test_the_publisher_sees_every_answer_and_a_member_only_its_own() -> None:
    answers = [answer(2), answer(3)]
    assert answers_shown(who(1, OrgKind.REGULATOR), 1, answers) == answers
    assert answers_shown(who(2), 1, answers) == [answers[0]]
    assert answers_shown(who(5, OrgKind.LAW_ENFORCEMENT), 1, answers) == []


def test_overdue_is_unacknowledged_recipients_after_the_deadline_only() -> None:
    answers = [answer(2), answer(3, ack=None)]
    assert overdue({2, 3, 5}, answers, 100, 101) == [3, 5]
    assert overdue({2, 3, 5}, answers, 100, 100) == []
    assert overdue({2, 3, 5}, answers, None, 10**9) == []


def test_exposure_totals_list_every_level() -> None:
    totals = exposure_totals([answer(2, exposure="affected"), answer(3, exposure="affected"), answer(5)])
    assert totals == {"not-affected": 0, "investigating": 0, "affected": 2, "remediated": 0}


def test_closed_advisories_and_publishers_take_no_response() -> None:
    with pytest.raises(Conflict):
        require_may_respond(who(2), 1, closed=True)
    with pytest.raises(Forbidden):
        require_may_respond(who(1, OrgKind.REGULATOR), 1, closed=False)
    with pytest.raises(Forbidden):
        require_may_respond(who(2, role=Role.READER), 1, closed=False)
    require_may_respond(who(2), 1, closed=False)
