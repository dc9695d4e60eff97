"""Audit entries for what a principal did, in the caller's transaction (None: an operator at the
database, through the CLI)."""

from __future__ import annotations

from sqlalchemy import Connection

from lionrock.access.model import Principal
from lionrock.hub.context import Hub
from lionrock.store import audit


def record(
    conn: Connection,
    hub: Hub,
    who: Principal | None,
    action: str,
    subject: str | None = None,
    detail: dict[str, object] | None = None,
    anonymous: bool = False,
) -> None:
    audit.append(
        conn,
        at=hub.clock(),
        org_id=who.org_id if who else None,
        token_id=who.token_id if who else None,
        action=action,
        subject=subject,
        detail=detail,
        anonymous=anonymous,
    )
