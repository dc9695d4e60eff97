"""Who may reveal the personal value behind a pseudonym (docs/pseudonyms.md), as plain decisions.

- An analyst or org-admin of an organisation that submitted a document holding the value: it had
  the value already; a reason is optional.
- An analyst or org-admin of a law-enforcement organisation: any pseudonym, with a recorded reason
  (at least MIN_REASON characters), asked for before anything is looked up, so that the question
  "is a reason needed?" never tells whether a pseudonym exists.
- Everyone else (other banks, readers, the regulator, the hub's operator): refused exactly as an
  unknown pseudonym is (404), so a refusal does not confirm that the value is in the hub. The
  regulator supervises institutions, not individual victims; it asks the bank or the police.
"""

from __future__ import annotations

from enum import StrEnum

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.errors import Invalid

MIN_REASON = 10
MAX_REASON = 1000
_MAY_REVEAL = (Role.ANALYST, Role.ORG_ADMIN)


class Ground(StrEnum):
    """Why a reveal is allowed; recorded in its audit entry."""

    SUBMITTER = "submitter"
    LAW_ENFORCEMENT = "law-enforcement"


def reason_of(who: Principal, reason: object) -> str:
    """The reveal's reason, checked before any lookup: text of at most MAX_REASON characters, and for
    law enforcement at least MIN_REASON of them that are not blank. Invalid (422) otherwise."""
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise Invalid("the reason must be text")
    if len(reason) > MAX_REASON:
        raise Invalid(f"the reason is longer than {MAX_REASON} characters")
    text = " ".join(reason.split())
    if needs_reason(who) and len(text) < MIN_REASON:
        raise Invalid(f"law enforcement records a reason of at least {MIN_REASON} characters for each reveal")
    return text


def _law_enforcement(who: Principal) -> bool:
    return who.org_kind is OrgKind.LAW_ENFORCEMENT and who.role in _MAY_REVEAL


def needs_reason(who: Principal) -> bool:
    """Whether a reveal by `who` must carry a reason (law enforcement's analysts and org-admins)."""
    return _law_enforcement(who)


def reveal_ground(who: Principal, submitters: frozenset[int], reason: str) -> Ground | None:
    """The ground on which `who` may reveal a pseudonym that the organisations `submitters` submitted
    (empty: unknown), or None: refused, answered as not found."""
    if who.role not in _MAY_REVEAL:
        return None
    if _law_enforcement(who) and len(reason) >= MIN_REASON:
        return Ground.LAW_ENFORCEMENT if submitters else None
    if who.org_id in submitters:
        return Ground.SUBMITTER
    return None


__all__ = ["MAX_REASON", "MIN_REASON", "Ground", "needs_reason", "reason_of", "reveal_ground"]
