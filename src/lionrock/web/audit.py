"""/web/audit: the signed-in user's audit trail, newest first, paged by sequence number.

What may be read is the hub's rule (`access.permissions.audit_view` through
`hub.directory.audit_page`): org-admins and operators read their own organisation's entries only,
so that other organisations' actions, anonymous submissions included, stay out of sight; readers and
analysts read only the entries they made themselves.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from lionrock.errors import Forbidden
from lionrock.hub import directory
from lionrock.web.context import N_, WebRefused, hub_of, page, page_router, principal

router = page_router()
PAGE_SIZE = 50
_SEQ_MAX = 10**15

NOT_ALLOWED = N_("The audit trail is for org-admins and operators.")
BAD_BEFORE = N_("'before' must be a positive whole number.")


def _before(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or not 0 < int(value) < _SEQ_MAX:
        raise WebRefused(400, BAD_BEFORE)
    return int(value)


@router.get("/audit")
async def audit_page(request: Request, before: str | None = None) -> Response:
    who = principal(request)
    start = _before(before)
    try:
        shown = await run_in_threadpool(directory.audit_page, hub_of(request), who, start, PAGE_SIZE)
    except Forbidden as exc:
        raise WebRefused(403, NOT_ALLOWED) from exc
    return page(request, "audit.html", "Audit trail", active="audit", trail=shown, paged=start is not None)
