"""The sharing policy: who may see what, and who may write what. Pure; the store turns the read
side into SQL and the publish use case asks the write side before it stores anything.

Reads (DESIGN.md): an organisation sees a version if it produced it; otherwise only versions
recorded by the object's owner, and among those the ones whose audience reaches it (community,
one of its groups, or named) or that are TLP:CLEAR. Sightings are exceptions: one by one, only the
reporter and the owner of what was sighted see them; everyone else sees aggregates under the
three-organisation rule. Roles never widen this, not the regulator's, not the operator's.
Outward feeds carry CLEAR and GREEN only.

Writes: an object id belongs to the organisation that first published it; only it versions,
revokes, deletes or widens it. SCOs are shared facts: each producer's assertion is its own record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lionrock.access.model import Audience, Principal, Release
from lionrock.errors import Forbidden, Invalid
from lionrock.stix.tlp import Tlp

ANONYMOUS_PRODUCER = "anonymous"
_MINT = object()  # only this module makes Visibility values


@dataclass(frozen=True)
class Visibility:
    """What one reader may see; only `visibility_for` and `outward_visibility_for` make one."""

    org_id: int
    group_ids: frozenset[int]
    max_tlp: Tlp = Tlp.RED
    _minted_by: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._minted_by is not _MINT:
            raise TypeError("Visibility is made by lionrock.access.policy only (visibility_for)")

    @property
    def allowed_tlps(self) -> tuple[Tlp, ...]:
        return tuple(t for t in Tlp if t.rank <= self.max_tlp.rank)

    @property
    def outward(self) -> bool:
        return self.max_tlp.rank <= Tlp.GREEN.rank


def visibility_for(principal: Principal) -> Visibility:
    """The reader's view inside the hub."""
    return Visibility(principal.org_id, principal.group_ids, Tlp.RED, _MINT)


def outward_visibility_for(principal: Principal) -> Visibility:
    """The reader's view for a feed or export that leaves the hub: CLEAR and GREEN only."""
    return Visibility(principal.org_id, principal.group_ids, Tlp.GREEN, _MINT)


def leaves_hub(tlp: Tlp) -> bool:
    """The last check an outward path makes on every object it is about to send (fail closed)."""
    return tlp.rank <= Tlp.GREEN.rank


def released_to(visibility: Visibility, release: Release) -> bool:
    """The version's own release reaches the reader (ignoring what it references)."""
    if release.tlp.rank > visibility.max_tlp.rank:
        return False
    if release.producer_org_id == visibility.org_id:
        return True
    if not release.owner_record:
        return False
    if release.sighting:
        return release.sighted_owner_org_id == visibility.org_id
    if release.tlp is Tlp.CLEAR:
        return True
    aud = release.audience
    return aud.community or visibility.org_id in aud.org_ids or bool(aud.group_ids & visibility.group_ids)


def can_see(visibility: Visibility, release: Release) -> bool:
    """The reference decision for one version (the SQL predicate must agree with it). A version
    that references objects the hub holds is shown to others only when those are visible too."""
    return released_to(visibility, release)


def check_release(tlp: Tlp, audience: Audience) -> None:
    """Refuse releases the policy forbids before anything is stored."""
    if audience.empty:
        raise Invalid("choose an audience: the community, sharing groups, or named organisations")
    if tlp is Tlp.RED and (audience.community or audience.group_ids):
        raise Invalid("TLP:RED may only go to named organisations, not to the community or groups")


def check_audience(principal: Principal, audience: Audience) -> None:
    """A publisher addresses only the sharing groups it belongs to (any organisation may be named)."""
    if not audience.group_ids <= principal.group_ids:
        raise Forbidden("you may address only sharing groups your organisation belongs to")


def check_may_version(principal: Principal, owner_org_id: int | None, owner_visible: bool) -> bool:
    """May the principal store a version under an object id? Returns whether the new record is
    the owner's. Refuses only when the owner's object is visible to the caller: refusing a hidden
    one would tell the caller that the hub holds it."""
    if owner_org_id is None or owner_org_id == principal.org_id:
        return True
    if owner_visible:
        raise Forbidden(
            "this object belongs to another organisation: only it may version, revoke, delete or widen it; "
            "to pass intelligence on, publish your own object (an indicator, note, opinion or sighting)"
        )
    return False


def producer_shown(visibility: Visibility, release: Release, producer_name: str) -> str:
    """The producer a reader is told: the real one, or a pseudonym for anonymous submissions."""
    if release.anonymous and release.producer_org_id != visibility.org_id:
        return ANONYMOUS_PRODUCER
    return producer_name


MIN_SIGHTING_ORGS = 3


def sighting_counts_shown(reader_org_id: int, owner_org_id: int | None, sighting_org_ids: frozenset[int]) -> bool:
    """Aggregate sighting counts of an object: its owner always sees them; everyone else only once
    at least MIN_SIGHTING_ORGS organisations have sighted it, so no bank can be singled out."""
    return reader_org_id == owner_org_id or len(sighting_org_ids) >= MIN_SIGHTING_ORGS
