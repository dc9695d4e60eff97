"""Plain values the policy reasons about: organisations, roles, principals, audiences, records."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from lionrock.stix.tlp import Tlp


class OrgKind(StrEnum):
    BANK = "bank"
    REGULATOR = "regulator"
    LAW_ENFORCEMENT = "law-enforcement"
    OPERATOR = "operator"


class Role(StrEnum):
    READER = "reader"
    ANALYST = "analyst"
    ORG_ADMIN = "org-admin"
    OPERATOR = "operator"

    @property
    def may_publish(self) -> bool:
        return self in (Role.ANALYST, Role.ORG_ADMIN)

    @property
    def manages_own_org(self) -> bool:
        return self in (Role.ORG_ADMIN, Role.OPERATOR)


@dataclass(frozen=True)
class Principal:
    """Who is asking: one organisation acting through one token (token_id) or one web user
    (user_id) with one role."""

    org_id: int
    org_name: str
    org_kind: OrgKind
    role: Role
    group_ids: frozenset[int] = frozenset()
    token_id: int | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Audience:
    """Who a publisher sends a version to: the community, sharing groups, or named orgs."""

    community: bool = False
    group_ids: frozenset[int] = frozenset()
    org_ids: frozenset[int] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.community or self.group_ids or self.org_ids)


@dataclass(frozen=True)
class AudienceNames:
    """An audience as a publisher writes it (names); the publish use case resolves it to ids."""

    community: bool = False
    groups: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Release:
    """How one stored version was released: the facts every visibility decision uses.

    `owner_record` is False for a version an organisation stored under an object id that another
    organisation owns (it could not see that object, so the hub could not refuse without revealing
    it): such a record is shown to its own producer only. `sighted_owner_org_id` is set for
    sightings: the owner of what was sighted, the only one besides the reporter who sees it."""

    producer_org_id: int
    tlp: Tlp
    audience: Audience = field(default_factory=Audience)
    anonymous: bool = False
    owner_record: bool = True
    sighting: bool = False
    sighted_owner_org_id: int | None = None
