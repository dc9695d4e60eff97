"""Advisories: who may publish one, who it is addressed to, and who sees which answers. Pure.

An advisory is published by a regulator or law enforcement. Each recipient sees its own answer
only; the publisher sees every answer, who acknowledged and who is overdue. No member ever sees
another member's answer (DESIGN.md, "no existence oracle": an advisory the caller may not see is
404 exactly like an absent one, which the hub decides through the policy's Visibility)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lionrock.access.model import Audience, OrgKind, Principal
from lionrock.errors import Conflict, Forbidden

PUBLISHER_KINDS = frozenset({OrgKind.REGULATOR, OrgKind.LAW_ENFORCEMENT})
SEVERITIES = ("low", "medium", "high", "critical")
EXPOSURES = ("not-affected", "investigating", "affected", "remediated")


@dataclass(frozen=True)
class Answer:
    """One organisation's response to one advisory (times in microseconds)."""

    org_id: int
    acknowledged_at: int | None
    exposure: str | None
    note: str | None
    updated_at: int


def require_advisory_publisher(who: Principal) -> None:
    """Only regulators and law enforcement issue advisories, and only through a publishing token."""
    if who.org_kind not in PUBLISHER_KINDS:
        raise Forbidden("only regulators and law enforcement publish advisories")
    if not who.role.may_publish:
        raise Forbidden("this token may only read; publishing needs an analyst or org-admin token")


def is_publisher(who: Principal, owner_org_id: int | None) -> bool:
    return owner_org_id is not None and who.org_id == owner_org_id


def require_advisory_owner(who: Principal, owner_org_id: int | None) -> None:
    """Answers and closing belong to the organisation that published the advisory."""
    if not is_publisher(who, owner_org_id):
        raise Forbidden("only the organisation that published this advisory may do this")


def require_may_respond(who: Principal, owner_org_id: int | None, closed: bool) -> None:
    """A recipient answers until the publisher closes the advisory; the publisher does not answer itself."""
    if is_publisher(who, owner_org_id):
        raise Forbidden("the publisher of an advisory does not respond to it")
    if not who.role.may_publish:
        raise Forbidden("this token may only read; responding needs an analyst or org-admin token")
    if closed:
        raise Conflict("this advisory is closed: responses can no longer change")


def recipients(
    audience: Audience,
    publisher_org_id: int,
    org_kinds: Mapping[int, OrgKind],
    group_members: Mapping[int, Iterable[int]],
) -> frozenset[int]:
    """The organisations an advisory is addressed to: the community is every member but the operators
    and the publisher; a group is its members; named organisations are themselves."""
    found: set[int] = set(audience.org_ids)
    if audience.community:
        found |= {org for org, kind in org_kinds.items() if kind is not OrgKind.OPERATOR}
    for gid in audience.group_ids:
        found |= set(group_members.get(gid, ()))
    found.discard(publisher_org_id)
    return frozenset(o for o in found if o in org_kinds)


def answers_shown(who: Principal, owner_org_id: int | None, answers: Iterable[Answer]) -> list[Answer]:
    """The publisher sees every answer; anyone else its own answer only."""
    if is_publisher(who, owner_org_id):
        return list(answers)
    return [a for a in answers if a.org_id == who.org_id]


def overdue(addressed: Iterable[int], answers: Iterable[Answer], deadline_us: int | None, now_us: int) -> list[int]:
    """Recipients that have not acknowledged once the deadline has passed (none before it)."""
    if deadline_us is None or now_us <= deadline_us:
        return []
    acknowledged = {a.org_id for a in answers if a.acknowledged_at is not None}
    return sorted(set(addressed) - acknowledged)


def exposure_totals(answers: Iterable[Answer]) -> dict[str, int]:
    """How many organisations reported each exposure (every level listed, zero included)."""
    totals = dict.fromkeys(EXPOSURES, 0)
    for a in answers:
        if a.exposure in totals:
            totals[a.exposure] += 1
    return totals
