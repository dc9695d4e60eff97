"""Plain values the policy reasons about: organisations, roles, principals, audiences."""

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
    """Who is asking: one organisation acting through one token with one role."""

    org_id: int
    org_name: str
    org_kind: OrgKind
    role: Role
    group_ids: frozenset[int] = frozenset()
    token_id: int | None = None


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
class Release:
    """How one stored version was released: the facts every visibility decision uses."""

    producer_org_id: int
    tlp: Tlp
    audience: Audience = field(default_factory=Audience)
    anonymous: bool = False
