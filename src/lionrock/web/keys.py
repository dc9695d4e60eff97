"""/web/keys: the keys that seal data at rest, in the members' hands.

Operators see every key and rotate or retire it (destroying a hub key stays at the CLI, on the hub's
own machine); an org-admin sees its organisation's own keys, creates one for a purpose, and withdraws
(crypto-shreds) it after a confirmation page that states what becomes unreadable and asks for the key
id typed back. Every decision is access.permissions' (through hub.keys), every action is audited there.

Rotation runs the hub's batched re-wrap off the event loop (each batch its own transaction), so other
requests go on while it works; the page answers when it is done. If the request is cut off, the old key
shows as retired with data keys left: rotating it again resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from lionrock.access.model import Principal, Role
from lionrock.errors import Forbidden
from lionrock.hub import keys as hub_keys
from lionrock.web.context import N_, WebRefused, form, hub_of, page, page_router, principal, use_case
from lionrock.web.security import WEB

router = page_router()
KEYS = f"{WEB}/keys"
T = TypeVar("T")

_DONE = {
    "created": N_("The key was created: your organisation's new data of that purpose is sealed under it."),
    "rotated": N_("The key was rotated: its data keys are now wrapped under the new key."),
    "retired": N_("The key was retired: nothing new is sealed under it, and what it seals stays readable."),
    "withdrawn": N_("The key was withdrawn: what it sealed can no longer be read by anyone."),
}
"""Messages after an action, chosen by a fixed key in the redirect (never text from the request)."""

NOT_ALLOWED = N_("Keys are for org-admins and operators.")
NO_KEY = N_("There is no such key among those you may manage.")
BAD_KEY_ID = N_("A key id is a whole number.")
KEY_STATE = N_("The key is not in a state that allows this (it may be retired or withdrawn already).")
NOT_CONFIRMED = N_("Type the key id exactly to confirm the withdrawal.")


async def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await use_case(fn, *args, not_found=NO_KEY, forbidden=NOT_ALLOWED, conflict=KEY_STATE, **kwargs)


def _key_id(raw: str) -> int:
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 18:
        raise WebRefused(400, BAD_KEY_ID)
    return int(raw)


def _done(key: str) -> Response:
    return RedirectResponse(f"{KEYS}?done={key}", status_code=303)


def _manager(request: Request) -> Principal:
    who = principal(request)
    if not who.role.manages_own_org:
        raise WebRefused(403, NOT_ALLOWED)
    return who


@router.get("/keys")
async def keys_page(request: Request, done: str = "") -> Response:
    who = _manager(request)
    try:
        found = await run_in_threadpool(hub_keys.list_keys, hub_of(request), who)
    except Forbidden as exc:
        raise WebRefused(403, NOT_ALLOWED) from exc
    return page(
        request,
        "keys.html",
        "Keys",
        active="keys",
        keys=found,
        operator=who.role is Role.OPERATOR,
        org_admin=who.role is Role.ORG_ADMIN,
        own_org=who.org_name,
        done=_DONE.get(done, ""),
    )


@router.post("/keys")
async def create_key(request: Request) -> Response:
    who = _manager(request)
    await _call(hub_keys.create_own, hub_of(request), who, form(request).get("purpose", "").strip(), invalid_status=400)
    return _done("created")


@router.post("/keys/rotate")
async def rotate_key(request: Request) -> Response:
    who = _manager(request)
    await _call(hub_keys.rotate, hub_of(request), _key_id(form(request).get("id", "")), actor=who)
    return _done("rotated")


@router.post("/keys/retire")
async def retire_key(request: Request) -> Response:
    who = _manager(request)
    await _call(hub_keys.retire, hub_of(request), _key_id(form(request).get("id", "")), actor=who)
    return _done("retired")


@router.post("/keys/withdraw")
async def confirm_withdrawal(request: Request) -> Response:
    """The confirmation step: what would be shredded, and the key id to type back. Changes nothing."""
    who = _manager(request)
    key_id = _key_id(form(request).get("id", ""))
    shred = await _call(hub_keys.withdrawal, hub_of(request), who, key_id)
    return page(request, "keys_withdraw.html", N_("Withdraw a key"), active="keys", shred=shred)


@router.post("/keys/withdraw/confirm")
async def withdraw_key(request: Request) -> Response:
    who = _manager(request)
    fields = form(request)
    key_id = _key_id(fields.get("id", ""))
    if fields.get("typed", "").strip() != str(key_id):
        raise WebRefused(400, NOT_CONFIRMED)
    await _call(hub_keys.withdraw, hub_of(request), who, key_id, fields.get("typed", ""))
    return _done("withdrawn")
