"""Fraud disputes and notifications for people: the organisation's disputes (the operator's: every open
one) with a form to file one, the operator's resolve forms and the filer's withdraw button; and the
organisation's notifications, each marked read with a button. Every step is a use case of
`lionrock.hub.fraud_disputes`, so a dispute of another organisation is an unknown one."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from lionrock.access.fraud_disputes import OUTCOMES, State
from lionrock.access.model import Principal, Role
from lionrock.hub import Hub
from lionrock.hub import fraud_disputes as use_cases
from lionrock.web.context import N_, WebRefused, form, hub_of, page, page_router, principal, use_case

router = page_router()

NO_DISPUTE = N_("There is no such dispute that your organisation may see.")
NO_NOTIFICATION = N_("There is no such notification.")
_DB_INT_MAX = 2**31 - 1
_TEXT_MAX = 2000
KINDS = {
    "bank-account": N_("bank account"),
    "phone": N_("phone number"),
    "fps": N_("FPS proxy"),
    "fps-id": N_("FPS id"),
    "email": N_("e-mail address"),
    "e-wallet": N_("e-wallet"),
    "crypto-wallet": N_("crypto wallet"),
    "social": N_("social media account"),
}
STATES = {
    "open": N_("open"),
    "upheld": N_("upheld"),
    "rejected": N_("rejected"),
    "withdrawn": N_("withdrawn"),
}


def _id(text: int) -> int:
    """A dispute or notification id in the columns' range; anything else is not found."""
    if not 1 <= text <= _DB_INT_MAX:
        raise WebRefused(404, NO_DISPUTE)
    return text


def _may_file(who: Principal) -> bool:
    return who.role.may_publish or who.role is Role.OPERATOR


def _listing(hub: Hub, who: Principal) -> list[dict[str, Any]]:
    """The operator's open disputes (everyone's); a member's own, whatever their state."""
    state = State.OPEN.value if who.role is Role.OPERATOR else None
    return use_cases.list_disputes(hub, who, state=state, limit=use_cases.MAX_PAGE)


@router.get("/fraud/disputes")
async def dispute_list(request: Request) -> Response:
    who = principal(request)
    items = await use_case(_listing, hub_of(request), who)
    return page(
        request,
        "fraud_disputes.html",
        N_("Fraud disputes"),
        active="disputes",
        items=items,
        kinds=KINDS,
        states=STATES,
        may_file=_may_file(who),
        operator=who.role is Role.OPERATOR,
        own_org=who.org_name,
        may_withdraw=who.role.may_publish,
    )


def _text(fields: dict[str, str], name: str) -> str:
    value = fields.get(name, "")
    if len(value) > _TEXT_MAX:
        raise WebRefused(422, N_("A text field is longer than 2,000 characters."))
    return value


@router.post("/fraud/disputes")
async def file_dispute(request: Request) -> Response:
    who = principal(request)
    fields = form(request)
    kind = fields.get("type", "")
    if kind not in KINDS:
        raise WebRefused(422, N_("Choose what kind of identifier it is."))
    value = fields.get("value", "").strip()
    if not value or len(value) > 200:
        raise WebRefused(422, N_("Give the identifier (at most 200 characters)."))
    reason, evidence = _text(fields, "reason"), _text(fields, "evidence")
    await use_case(use_cases.file_dispute, hub_of(request), who, kind, value, reason, evidence or None)
    return RedirectResponse("/web/fraud/disputes", status_code=303)


@router.post("/fraud/disputes/{dispute_id:int}/resolve")
async def resolve(request: Request, dispute_id: int) -> Response:
    who = principal(request)
    fields = form(request)
    outcome = fields.get("outcome", "")
    if outcome not in {o.value for o in OUTCOMES}:
        raise WebRefused(422, N_("Choose upheld or rejected."))
    note = _text(fields, "note") or None
    await use_case(
        use_cases.resolve_dispute, hub_of(request), who, _id(dispute_id), outcome, note, not_found=NO_DISPUTE
    )
    return RedirectResponse("/web/fraud/disputes", status_code=303)


@router.post("/fraud/disputes/{dispute_id:int}/withdraw")
async def withdraw(request: Request, dispute_id: int) -> Response:
    who = principal(request)
    await use_case(use_cases.withdraw_dispute, hub_of(request), who, _id(dispute_id), not_found=NO_DISPUTE)
    return RedirectResponse("/web/fraud/disputes", status_code=303)


@router.get("/notifications")
async def notification_list(request: Request) -> Response:
    who = principal(request)
    items = await use_case(use_cases.notifications, hub_of(request), who, limit=use_cases.MAX_PAGE)
    return page(request, "notifications.html", N_("Notifications"), active="notifications", items=items)


@router.post("/notifications/{notification_id:int}/read")
async def mark_read(request: Request, notification_id: int) -> Response:
    who = principal(request)
    if not 1 <= notification_id <= _DB_INT_MAX:
        raise WebRefused(404, NO_NOTIFICATION)
    await use_case(use_cases.mark_read, hub_of(request), who, notification_id, not_found=NO_NOTIFICATION)
    return RedirectResponse("/web/notifications", status_code=303)
