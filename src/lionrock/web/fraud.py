"""Fraud pages (issue 10, item 9): the pre-payment check, one or a batch, an identifier's page with
the viewer's own reports and the risk over the last 12 months, and reporting from that page.

The check is a POST form, so the payee never lands in a URL, browser history or an access log; the
answer is rendered in the response. Everything shown comes from `hub.fraud.check` and
`hub.fraud_views`, so no page tells a member which other organisation reported anything."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from lionrock.access.model import Principal
from lionrock.errors import Invalid
from lionrock.fraud.history import Point
from lionrock.fraud.risk import Level
from lionrock.fraud.vocab import AmountBand, Role, ScamType
from lionrock.hub import fraud as fraud_cases
from lionrock.hub import fraud_views
from lionrock.web.context import N_, WebRefused, form, gettext, hub_of, page, page_router, principal, use_case
from lionrock.web.fraud_chart import risk_strip
from lionrock.web.i18n import hk_time

router = page_router()

MAX_BATCH_LINES = 100
NO_IDENTIFIER = N_("No organisation has reported an identifier with this id.")
NOT_A_REPORTER = N_("Only analysts and org-admins report fraud; readers may check.")

KIND_NAMES = {
    "bank-account": N_("Bank account (HK account number or IBAN)"),
    "phone": N_("Phone number"),
    "fps": N_("FPS proxy (FPS ID, mobile number or e-mail)"),
    "fps-id": N_("FPS ID"),
    "email": N_("E-mail address"),
    "e-wallet": N_("E-wallet account (provider and account)"),
    "crypto-wallet": N_("Crypto wallet address"),
    "social": N_("Social media or messaging account"),
}
RISK_NAMES = {
    Level.HIGH.label: N_("High risk"),
    Level.MEDIUM.label: N_("Medium risk"),
    Level.LOW.label: N_("Low risk"),
    Level.NO_RECORD.label: N_("No record"),
}
RISK_MEANINGS = {
    Level.HIGH.label: N_(
        "Several member organisations reported it in scams, recently. Do not let the payment go ahead before "
        "you have spoken to the customer."
    ),
    Level.MEDIUM.label: N_(
        "A member organisation reported it in a scam. Treat the payment as suspicious and confirm it with the "
        "customer first."
    ),
    Level.LOW.label: N_("It was reported, but the reports are old or uncertain. Stay alert."),
    Level.NO_RECORD.label: N_(
        "No report that still counts. This does not mean it is safe: scammers change accounts often."
    ),
}
SCAM_TYPE_NAMES = {
    ScamType.INVESTMENT.value: N_("Investment"),
    ScamType.IMPERSONATION_OF_OFFICIALS.value: N_("Impersonating officials"),
    ScamType.IMPERSONATION_OF_SERVICE.value: N_("Impersonating customer service"),
    ScamType.ROMANCE.value: N_("Romance"),
    ScamType.EMPLOYMENT.value: N_("Employment"),
    ScamType.SHOPPING.value: N_("Online shopping"),
    ScamType.PHISHING.value: N_("Phishing"),
    ScamType.LOAN.value: N_("Loan"),
    ScamType.TELEPHONE_DECEPTION.value: N_("Telephone deception"),
    ScamType.ACCOUNT_TAKEOVER.value: N_("Account takeover"),
    ScamType.RENTAL.value: N_("Rental"),
    ScamType.OTHER.value: N_("Other"),
}
ROLE_NAMES = {
    Role.RECEIVING_ACCOUNT.value: N_("Receiving account"),
    Role.CALLER.value: N_("Caller"),
    Role.SENDER.value: N_("Sender"),
    Role.WEBSITE.value: N_("Website"),
    Role.CONTACT.value: N_("Contact account"),
}
AMOUNT_NAMES = {
    AmountBand.UNDER_10K.value: N_("Under HK$10,000"),
    AmountBand.FROM_10K.value: N_("HK$10,000 to HK$100,000"),
    AmountBand.FROM_100K.value: N_("HK$100,000 to HK$1 million"),
    AmountBand.FROM_1M.value: N_("HK$1 million to HK$10 million"),
    AmountBand.OVER_10M.value: N_("Over HK$10 million"),
}
DISPUTE_NAMES = {
    "none": N_("No dispute"),
    "disputed": N_("Disputed: the listing is being challenged"),
}


def _labels() -> dict[str, Any]:
    return {
        "kinds": KIND_NAMES,
        "risks": RISK_NAMES,
        "meanings": RISK_MEANINGS,
        "scam_types": SCAM_TYPE_NAMES,
        "roles": ROLE_NAMES,
        "amounts": AMOUNT_NAMES,
        "disputes": DISPUTE_NAMES,
    }


def _check_page(request: Request, status: int = 200, **context: Any) -> Response:
    return page(request, "fraud_check.html", N_("Fraud check"), active="fraud", status=status, **_labels(), **context)


@router.get("/fraud/check")
async def check_form(request: Request) -> Response:
    principal(request)
    return _check_page(request)


def _kind(text: str) -> str:
    kind = text.strip()
    if kind not in KIND_NAMES:
        raise WebRefused(422, N_("Choose the type of identifier."))
    return kind


@router.post("/fraud/check")
async def check_one(request: Request) -> Response:
    who = principal(request)
    fields = form(request)
    kind, value = fields.get("type", ""), fields.get("value", "")
    if kind.strip() not in KIND_NAMES:
        return _check_page(request, 422, problem=N_("Choose the type of identifier."), chosen=kind, value=value)
    try:
        answer = await run_in_threadpool(fraud_cases.check, hub_of(request), who, kind.strip(), value)
    except Invalid as exc:
        return _check_page(request, 422, problem=exc.message, chosen=kind, value=value)
    return _check_page(request, answer=answer, chosen=kind)


def batch_items(text: str, kind: str) -> list[fraud_cases.CheckItem]:
    """The batch textarea: one value a line of the chosen type, or `type value` a line when no type
    is chosen. Blank lines are skipped; more than MAX_BATCH_LINES lines is refused."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise WebRefused(422, N_("Enter at least one value, one a line."))
    if len(lines) > MAX_BATCH_LINES:
        raise WebRefused(422, N_("At most 100 lines at once."))
    if kind:
        return [fraud_cases.CheckItem(_kind(kind), line) for line in lines]
    items = []
    for line in lines:
        head, _, rest = line.partition(" ")
        items.append(fraud_cases.CheckItem(head, rest.strip()))  # an unknown type is named in the 422
    return items


@router.post("/fraud/check/batch")
async def check_batch(request: Request) -> Response:
    who = principal(request)
    fields = form(request)
    text, kind = fields.get("values", ""), fields.get("batch_type", "").strip()
    try:
        items = batch_items(text, kind)
    except WebRefused as exc:
        return _check_page(request, exc.status, batch_problem=exc.message, batch_text=text, batch_type=kind)
    try:
        results = await run_in_threadpool(fraud_cases.check_many, hub_of(request), who, items)
    except Invalid as exc:
        problems = [(p.index + 1, p.message) for p in exc.problems]
        return _check_page(request, 422, batch_problems=problems, batch_text=text, batch_type=kind)
    return _check_page(request, results=results, batch_type=kind)


def may_report(who: Principal) -> bool:
    return who.role.may_publish


def _history(request: Request, points: list[Point]) -> dict[str, Any]:
    _ = gettext(request)
    rows = [{"month": p.month, "level": p.assessment.level.label, "disputed": p.assessment.disputed} for p in points]
    chart = risk_strip(
        _("Risk over the last 12 months"),
        _("One column a month, taller for a higher risk, with the level written under it; the table gives the same."),
        [(p.month, _(RISK_NAMES[p.assessment.level.label]), int(p.assessment.level)) for p in points],
    )
    return {"history": rows, "history_chart": chart}


@router.get("/fraud/identifiers/{stix_id}")
async def identifier_page(request: Request, stix_id: str) -> Response:
    who = principal(request)
    hub = hub_of(request)
    view = await use_case(fraud_views.identifier_view, hub, who, stix_id, not_found=NO_IDENTIFIER)
    return page(
        request,
        "fraud_identifier.html",
        N_("Identifier"),
        active="fraud",
        view=view,
        answer=view.answer,
        **_history(request, view.history),
        may_report=may_report(who),
        today=hk_time(hub.clock(), with_time=False),
        **_labels(),
    )


def _confidence(text: str) -> int:
    text = text.strip() or "100"
    if not (text.isascii() and text.isdigit() and len(text) <= 3 and 0 <= int(text) <= 100):
        raise WebRefused(422, N_("Confidence is a whole number from 0 to 100."))
    return int(text)


@router.post("/fraud/identifiers/{stix_id}/report")
async def report(request: Request, stix_id: str) -> Response:
    who = principal(request)
    if not may_report(who):
        raise WebRefused(403, NOT_A_REPORTER)
    fields = form(request)
    sent = fraud_views.ReportFields(
        scam_type=fields.get("scam_type", ""),
        role=fields.get("role", ""),
        reported=fields.get("reported", "").strip() or None,
        amount_band=fields.get("amount_band", "").strip() or None,
        confidence=_confidence(fields.get("confidence", "")),
        notes=fields.get("notes", "").strip() or None,
    )
    await use_case(fraud_views.report_identifier, hub_of(request), who, stix_id, sent, not_found=NO_IDENTIFIER)
    return RedirectResponse(f"/web/fraud/identifiers/{stix_id}", status_code=303)
