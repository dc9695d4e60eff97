"""The sharing policy. Every read path builds a Visibility here and the store turns it into SQL.

Rules (DESIGN.md, issue #2): an organisation sees a version if it produced it, is in its
audience (community, one of its groups, or named), or the version is TLP:CLEAR. Roles do not
widen this: not the regulator, not the operator. TLP:RED may only go to named organisations.
Outward feeds carry CLEAR and GREEN only.
"""

from __future__ import annotations

from dataclasses import dataclass

from lionrock.access.model import Audience, Principal, Release
from lionrock.errors import Invalid
from lionrock.stix.tlp import Tlp

ANONYMOUS_PRODUCER = "anonymous"


@dataclass(frozen=True)
class Visibility:
    """What one reader may see; only `visibility_for` and `outward` make one."""

    org_id: int
    group_ids: frozenset[int]
    max_tlp: Tlp = Tlp.RED

    @property
    def allowed_tlps(self) -> tuple[Tlp, ...]:
        return tuple(t for t in Tlp if t.rank <= self.max_tlp.rank)

    def outward(self) -> Visibility:
        """The same reader, for a feed or export that leaves the hub: CLEAR and GREEN only."""
        cap = Tlp.GREEN if self.max_tlp.rank > Tlp.GREEN.rank else self.max_tlp
        return Visibility(self.org_id, self.group_ids, cap)


def visibility_for(principal: Principal) -> Visibility:
    return Visibility(principal.org_id, principal.group_ids)


def can_see(visibility: Visibility, release: Release) -> bool:
    """The reference decision for one version (the SQL predicate must agree with it)."""
    if release.tlp.rank > visibility.max_tlp.rank:
        return False
    if release.producer_org_id == visibility.org_id or release.tlp is Tlp.CLEAR:
        return True
    aud = release.audience
    return aud.community or visibility.org_id in aud.org_ids or bool(aud.group_ids & visibility.group_ids)


def check_release(tlp: Tlp, audience: Audience) -> None:
    """Refuse releases the policy forbids before anything is stored."""
    if audience.empty:
        raise Invalid("choose an audience: the community, sharing groups, or named organisations")
    if tlp is Tlp.RED and (audience.community or audience.group_ids):
        raise Invalid("TLP:RED may only go to named organisations, not to the community or groups")


def producer_shown(visibility: Visibility, release: Release, producer_name: str) -> str:
    """The producer a reader is told: the real one, or a pseudonym for anonymous submissions."""
    if release.anonymous and release.producer_org_id != visibility.org_id:
        return ANONYMOUS_PRODUCER
    return producer_name


MIN_SIGHTING_ORGS = 3


def sighting_counts_shown(
    reader_org_id: int, producer_org_ids: frozenset[int], sighting_org_ids: frozenset[int]
) -> bool:
    """Aggregate sighting counts of an indicator: the producers always see them; everyone else only
    once at least MIN_SIGHTING_ORGS organisations have sighted it, so no bank can be singled out."""
    return reader_org_id in producer_org_ids or len(sighting_org_ids) >= MIN_SIGHTING_ORGS
