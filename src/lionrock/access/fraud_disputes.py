"""Who may dispute a fraud listing, resolve or withdraw a dispute, and read disputes and notifications.

A listing is disputed by the identifier's holder: for a Hong Kong bank account, an organisation that
holds the account's bank code (`org_bank_codes`); for any identifier, the hub operator on behalf of
its holder (a person or a company outside the hub asks the operator). Nobody else: a bank may not
dispute another bank's account. The operator decides (upheld or rejected); the filer may withdraw
its own open dispute. A dispute is seen by the organisation that filed it and by the operator; to
everyone else it does not exist (404), so dispute ids reveal nothing.

Pure: the hub looks the facts up and asks here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lionrock.access.model import Principal, Role
from lionrock.errors import Conflict, Forbidden, Invalid, NotFound


class State(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the listing was wrong: reports up to the resolution no longer count
    REJECTED = "rejected"  # the listing stands
    WITHDRAWN = "withdrawn"  # the filer dropped it: the listing stands


OUTCOMES = (State.UPHELD, State.REJECTED)


@dataclass(frozen=True)
class DisputeFacts:
    """What the rules need to know about one dispute."""

    id: int
    filed_by: int
    state: State


def require_acting(who: Principal) -> None:
    """Disputes are filed and decided by publishers and the operator; readers only read."""
    if not (who.role.may_publish or who.role is Role.OPERATOR):
        raise Forbidden("this token may only read; disputes need an analyst, org-admin or operator")


def require_filer(
    who: Principal, has_reports: bool, bank_code: str | None, held_codes: frozenset[str], has_open: bool
) -> None:
    """May `who` dispute this identifier? `bank_code` is the HK bank code of a bank account (None for
    any other identifier, IBANs included); `held_codes` the codes `who`'s organisation holds."""
    require_acting(who)
    if not has_reports:
        raise NotFound("no fraud reports of this identifier: there is nothing to dispute")
    if who.role is not Role.OPERATOR and (bank_code is None or bank_code not in held_codes):
        raise Forbidden(
            "only the identifier's holder disputes it: the bank holding the account (its bank code), "
            "or the hub operator on behalf of the holder"
        )
    if has_open:
        raise Conflict("this identifier already has an open dispute")


def may_see(who: Principal, dispute: DisputeFacts) -> bool:
    """The filing organisation and the operator see a dispute."""
    return who.role is Role.OPERATOR or who.org_id == dispute.filed_by


def require_visible(who: Principal, dispute: DisputeFacts | None, dispute_id: int) -> DisputeFacts:
    """The dispute, or 404 whether it does not exist or belongs to someone else."""
    if dispute is None or not may_see(who, dispute):
        raise NotFound(f"no dispute {dispute_id}")
    return dispute


def _require_open(dispute: DisputeFacts) -> None:
    if dispute.state is not State.OPEN:
        raise Conflict(f"dispute {dispute.id} is already {dispute.state.value}")


def require_resolver(who: Principal, dispute: DisputeFacts | None, dispute_id: int, outcome: State) -> DisputeFacts:
    """Only the operator upholds or rejects, and only an open dispute."""
    found = require_visible(who, dispute, dispute_id)
    if who.role is not Role.OPERATOR:
        raise Forbidden("only the hub operator resolves disputes; the filer may withdraw its own")
    if outcome not in OUTCOMES:
        raise Invalid(f"a dispute is resolved as upheld or rejected, not {outcome.value}")
    _require_open(found)
    return found


def require_withdrawer(who: Principal, dispute: DisputeFacts | None, dispute_id: int) -> DisputeFacts:
    """The filing organisation (a publisher of it, or the operator for its own filings) withdraws an
    open dispute."""
    found = require_visible(who, dispute, dispute_id)
    require_acting(who)
    if who.org_id != found.filed_by:
        raise Forbidden("only the organisation that filed a dispute withdraws it")
    _require_open(found)
    return found


def require_false_positive_reporter(who: Principal) -> None:
    """Any publisher may say it saw an identifier in legitimate use; readers only read."""
    if not who.role.may_publish:
        raise Forbidden("this token may only read; recording a false positive needs an analyst or org-admin token")


def require_notification_owner(who: Principal, owner_org_id: int | None, notification_id: int) -> None:
    """An organisation's notifications are its own; another's are not found."""
    if owner_org_id is None or owner_org_id != who.org_id:
        raise NotFound(f"no notification {notification_id}")


def require_bank_code_admin(actor: Principal | None) -> None:
    """Which bank codes an organisation holds decides who may dispute: the operator sets them."""
    if actor is not None and actor.role is not Role.OPERATOR:
        raise Forbidden("only operators set an organisation's bank codes")
