"""Disputes of fraud listings, false-positive sightings, and the bank codes that say who holds an account.

An identifier's holder disputes its listing (the rules are in lionrock.access.fraud_disputes); while a
dispute is open the check answers "disputed" and at most medium; when the operator upholds it, the
reports dated up to then stop counting. Each filing and resolution is one audited transaction that
leaves every reporting organisation a notification naming the disputer only as "the holder", and
the filer one naming no reporter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from lionrock.access import fraud_disputes as rules
from lionrock.access.model import Principal, Role
from lionrock.errors import Conflict, Invalid, NotFound
from lionrock.fraud.hk_banks import BANKS
from lionrock.fraud.identifiers import Identifier, normalise
from lionrock.fraud.notes import MAX_NOTES, check_notes
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.stix.ids import us_to_timestamp
from lionrock.store import fraud as store
from lionrock.store import members
from lionrock.store.engine import read_transaction, write_transaction

MAX_PAGE = 200
DEFAULT_PAGE = 50
MAX_BANK_CODES = len(BANKS)


def _text(value: str | None, what: str, required: bool = False) -> str | None:
    """Bounded free text, refused when it holds victims' data (the fraud notes rule)."""
    if value is None or not value.strip():
        if required:
            raise Invalid(f"{what} is required")
        return None
    if len(value) > MAX_NOTES:
        raise Invalid(f"{what} is limited to {MAX_NOTES} characters")
    try:
        return check_notes(value)
    except Invalid as exc:
        raise Invalid(f"{what}: {exc.message}") from None


def _page(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be 1 to {MAX_PAGE}, not {limit}")
    return limit


# --- bank codes ---


def set_bank_codes(hub: Hub, org_name: str, codes: list[str], actor: Principal | None = None) -> list[str]:
    """Replace the HK bank codes an organisation holds (operators); each must be in fraud/hk_banks.py."""
    rules.require_bank_code_admin(actor)
    cleaned = sorted({c.strip() for c in codes})
    if len(cleaned) > MAX_BANK_CODES:
        raise Invalid(f"at most {MAX_BANK_CODES} bank codes")
    unknown = [c for c in cleaned if c not in BANKS]
    if unknown:
        raise Invalid(f"unknown HK bank code(s): {', '.join(repr(c[:10]) for c in unknown[:10])}")
    with write_transaction(hub.engine) as conn:
        org = members.org_by_name(conn, org_name)
        if org is None:
            raise NotFound(f"no organisation named {org_name!r}")
        store.set_bank_codes(conn, org.id, cleaned)
        record(conn, hub, actor, "org.bank-codes", subject=org.name, detail={"codes": cleaned})
    return cleaned


def bank_codes(hub: Hub, org_name: str) -> list[str]:
    with read_transaction(hub.engine) as conn:
        org = members.org_by_name(conn, org_name)
        if org is None:
            raise NotFound(f"no organisation named {org_name!r}")
        return sorted(store.bank_codes_of(conn, org.id))


# --- disputes ---


def _facts(row: store.DisputeRow | None) -> rules.DisputeFacts | None:
    return rules.DisputeFacts(row.id, row.filed_by, rules.State(row.state)) if row else None


def _ts(us: int | None) -> str | None:
    return us_to_timestamp(us) if us is not None else None


def _view(conn: Connection, row: store.DisputeRow) -> dict[str, Any]:
    """A dispute as its filer and the operator see it (nobody else sees it)."""
    filer = members.org_by_id(conn, row.filed_by)
    resolver = members.org_by_id(conn, row.resolved_by) if row.resolved_by is not None else None
    return {
        "id": row.id,
        "identifier": row.identifier_id,
        "type": row.kind,
        "value": row.value,
        "state": row.state,
        "reason": row.reason,
        "evidence": row.evidence,
        "filed_by": filer.name if filer else None,
        "filed_at": _ts(row.filed_at),
        "resolved_at": _ts(row.resolved_at),
        "resolved_by": resolver.name if resolver else None,
        "resolution": row.resolution,
    }


def _holder_phrase(ident_kind: str) -> str:
    return "the account holder" if ident_kind == "bank-account" else "the identifier's holder"


def file_dispute(
    hub: Hub, who: Principal, kind: str, value: str, reason: str, evidence: str | None = None
) -> dict[str, Any]:
    """Open a dispute of an identifier's listing; the reporters are told, without being told by whom."""
    rules.require_acting(who)
    ident = normalise(kind, value)
    clean_reason = _text(reason, "reason", required=True)
    assert clean_reason is not None
    clean_evidence = _text(evidence, "evidence")
    with write_transaction(hub.engine) as conn:
        rules.require_filer(
            who,
            has_reports=store.has_reports(conn, ident.id),
            bank_code=_bank_code(ident),
            held_codes=store.bank_codes_of(conn, who.org_id) if who.role is not Role.OPERATOR else frozenset(),
            has_open=store.open_dispute_of(conn, ident.id) is not None,
        )
        now = hub.clock()
        dispute_id = store.add_dispute(
            conn,
            identifier_id=ident.id,
            kind=ident.kind.value,
            value=ident.value,
            filed_by=who.org_id,
            filed_by_user=who.user_id,
            reason=clean_reason,
            evidence=clean_evidence,
            now=now,
        )
        holder = _holder_phrase(ident.kind.value)
        reporters = [o for o in store.reporting_orgs(conn, ident.id) if o != who.org_id]
        store.add_notifications(
            conn,
            reporters,
            "fraud.dispute.filed",
            ident.id,
            f"{holder.capitalize()} disputes the fraud listing of {ident.kind.value} {ident.value}, which your"
            f" organisation reported (dispute {dispute_id}). Until the hub operator decides, checks show it as"
            " disputed and at most medium risk.",
            now,
        )
        record(
            conn,
            hub,
            who,
            "fraud.dispute.file",
            subject=ident.id,
            detail={"dispute": dispute_id, "notified": len(reporters)},
        )
        row = store.dispute_by_id(conn, dispute_id)
        assert row is not None
        return _view(conn, row)


def _bank_code(ident: Identifier) -> str | None:
    """The HK bank code of a bank account; None for IBANs and every other kind."""
    return dict(ident.properties).get("bank_code") if ident.kind.value == "bank-account" else None


def list_disputes(
    hub: Hub, who: Principal, state: str | None = None, before: int | None = None, limit: int = DEFAULT_PAGE
) -> list[dict[str, Any]]:
    """Newest first: the disputes `who`'s organisation filed; the operator's are everyone's."""
    if state is not None and state not in set(rules.State):
        raise Invalid(f"state is one of {', '.join(rules.State)}, not {state[:40]!r}")
    with read_transaction(hub.engine) as conn:
        filed_by = None if who.role is Role.OPERATOR else who.org_id
        rows = store.list_disputes(conn, filed_by, state, before, _page(limit))
        return [_view(conn, row) for row in rows]


def get_dispute(hub: Hub, who: Principal, dispute_id: int) -> dict[str, Any]:
    with read_transaction(hub.engine) as conn:
        row = store.dispute_by_id(conn, dispute_id)
        rules.require_visible(who, _facts(row), dispute_id)
        assert row is not None
        return _view(conn, row)


def resolve_dispute(hub: Hub, who: Principal, dispute_id: int, outcome: str, note: str | None) -> dict[str, Any]:
    """The operator upholds (the listing was wrong) or rejects (it stands) an open dispute."""
    try:
        state = rules.State(outcome)
    except ValueError:
        raise Invalid(f"outcome is upheld or rejected, not {outcome[:40]!r}") from None
    clean_note = _text(note, "note")
    with write_transaction(hub.engine) as conn:
        row = store.dispute_by_id(conn, dispute_id)
        rules.require_resolver(who, _facts(row), dispute_id, state)
        assert row is not None
        return _close(conn, hub, who, row, state, clean_note)


def withdraw_dispute(hub: Hub, who: Principal, dispute_id: int) -> dict[str, Any]:
    """The filer drops its own open dispute; the listing stands."""
    with write_transaction(hub.engine) as conn:
        row = store.dispute_by_id(conn, dispute_id)
        rules.require_withdrawer(who, _facts(row), dispute_id)
        assert row is not None
        return _close(conn, hub, who, row, rules.State.WITHDRAWN, None)


_OUTCOME_TEXT = {
    rules.State.UPHELD: "upheld: the listing was wrong, and reports of it dated up to now no longer count",
    rules.State.REJECTED: "rejected: the listing stands",
    rules.State.WITHDRAWN: "withdrawn: the listing stands",
}


def _close(
    conn: Connection, hub: Hub, who: Principal, row: store.DisputeRow, state: rules.State, note: str | None
) -> dict[str, Any]:
    now = hub.clock()
    if not store.resolve_dispute(conn, row.id, state.value, who.org_id, note, now):
        raise Conflict(f"dispute {row.id} is no longer open")
    said = f" Note from the hub operator: {note}" if note else ""
    what = f"{row.kind} {row.value}"
    reporters = [o for o in store.reporting_orgs(conn, row.identifier_id) if o != row.filed_by]
    holder = _holder_phrase(row.kind)
    store.add_notifications(
        conn,
        reporters,
        "fraud.dispute.resolved",
        row.identifier_id,
        f"The dispute by {holder} of the fraud listing of {what}, which your organisation reported"
        f" (dispute {row.id}), was {_OUTCOME_TEXT[state]}.{said}",
        now,
    )
    store.add_notifications(
        conn,
        [row.filed_by],
        "fraud.dispute.resolved",
        row.identifier_id,
        f"Your dispute {row.id} of the fraud listing of {what} was {_OUTCOME_TEXT[state]}.{said}",
        now,
    )
    record(
        conn,
        hub,
        who,
        "fraud.dispute.resolve",
        subject=row.identifier_id,
        detail={"dispute": row.id, "outcome": state.value, "notified": len(reporters) + 1},
    )
    closed = store.dispute_by_id(conn, row.id)
    assert closed is not None
    return _view(conn, closed)


# --- false positives ---


def record_false_positive(hub: Hub, who: Principal, kind: str, value: str, note: str | None = None) -> dict[str, Any]:
    """`who`'s organisation saw the identifier in legitimate use: each organisation halves the risk
    weight once, however often it says so."""
    rules.require_false_positive_reporter(who)
    ident = normalise(kind, value)
    clean_note = _text(note, "note")
    with write_transaction(hub.engine) as conn:
        new = store.add_false_positive(conn, ident.id, who.org_id, clean_note, hub.clock())
        record(conn, hub, who, "fraud.false-positive", subject=ident.id, detail={"new": new})
    return {"id": ident.id, "type": ident.kind.value, "value": ident.value, "new": new}


# --- notifications ---


@dataclass(frozen=True)
class Notification:
    id: int
    created: str
    kind: str
    subject: str | None
    text: str
    read: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created,
            "kind": self.kind,
            "subject": self.subject,
            "text": self.text,
            "read": self.read,
        }


def notifications(
    hub: Hub, who: Principal, before: int | None = None, limit: int = DEFAULT_PAGE, unread_only: bool = False
) -> list[Notification]:
    """`who`'s organisation's notifications, newest first."""
    with read_transaction(hub.engine) as conn:
        rows = store.notifications_of(conn, who.org_id, before, _page(limit), unread_only)
    return [
        Notification(r.id, us_to_timestamp(r.created), r.kind, r.subject, r.text, r.read_at is not None) for r in rows
    ]


def mark_read(hub: Hub, who: Principal, notification_id: int) -> None:
    """Mark one of the organisation's own notifications read (idempotent); another's is not found."""
    with write_transaction(hub.engine) as conn:
        rules.require_notification_owner(who, store.notification_owner(conn, notification_id), notification_id)
        store.mark_read(conn, notification_id, hub.clock())
