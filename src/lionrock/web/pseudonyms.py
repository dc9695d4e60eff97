"""Revealing the value behind a pseudonym, for people: a page that names the pseudonym and asks for a
reason (required for law enforcement), and a form that reveals it. The page looks nothing up, so
opening it confirms nothing; the reveal is the hub's audited, rate-limited use case, and a pseudonym
that is unknown or not the viewer's to reveal gets the same 404 page. The value is only ever in the
answer to the POST (never in a URL), and web pages are never cached (Cache-Control: no-store)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from lionrock.access.pseudonyms import MAX_REASON, MIN_REASON, needs_reason
from lionrock.hub import pseudonyms
from lionrock.web.context import N_, WebRefused, form, hub_of, page, page_router, principal, use_case

router = page_router()
NO_PSEUDONYM = N_("There is no such pseudonym, or it is not yours to reveal.")
REASON_NEEDED = N_("Law enforcement records a reason of at least ten characters for every reveal.")


def _render(request: Request, about: dict[str, Any], revealed: dict[str, Any] | None = None) -> Response:
    return page(
        request,
        "pseudonym.html",
        N_("Pseudonym"),
        about=about,
        revealed=revealed,
        min_reason=MIN_REASON,
        max_reason=MAX_REASON,
    )


@router.get("/pseudonyms/{pseudonym}")
async def pseudonym_page(request: Request, pseudonym: str) -> Response:
    who = principal(request)
    about = await use_case(pseudonyms.about, hub_of(request), who, pseudonym[:100], not_found=NO_PSEUDONYM)
    return _render(request, about)


@router.post("/pseudonyms/{pseudonym}/reveal")
async def reveal(request: Request, pseudonym: str) -> Response:
    who = principal(request)
    hub = hub_of(request)
    about = await use_case(pseudonyms.about, hub, who, pseudonym[:100], not_found=NO_PSEUDONYM)
    reason = form(request).get("reason", "")
    try:  # the use case checks the reason and audits a refusal; the page says why in the viewer's language
        revealed = await use_case(pseudonyms.reveal, hub, who, about["pseudonym"], reason, not_found=NO_PSEUDONYM)
    except WebRefused as refused:
        if refused.status == 422:
            raise WebRefused(422, REASON_NEEDED if needs_reason(who) else N_("The reason is too long.")) from refused
        raise
    return _render(request, about, revealed)
