"""TAXII status resources: saved with the request, readable by the requesting organisation."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection

from lionrock.access.model import Principal
from lionrock.errors import NotFound
from lionrock.hub.context import Hub
from lionrock.store import status as store
from lionrock.store.engine import read_transaction, write_transaction

_HOUR_US = 3_600_000_000


def save(hub: Hub, who: Principal, body: dict[str, Any]) -> None:
    with write_transaction(hub.engine) as conn:
        save_in(conn, hub, who, body)


def save_in(conn: Connection, hub: Hub, who: Principal, body: dict[str, Any]) -> None:
    """Save a status in the caller's transaction, dropping those past retention."""
    now = hub.clock()
    store.purge_before(conn, now - hub.settings.status_retention_hours * _HOUR_US)
    store.save(conn, str(body["id"]), who.org_id, now, orjson.dumps(body).decode())


def load(hub: Hub, who: Principal, status_id: str) -> dict[str, Any]:
    with read_transaction(hub.engine) as conn:
        raw = store.load(conn, status_id, who.org_id)
    if raw is None:
        raise NotFound(f"no status {status_id}")
    result: dict[str, Any] = orjson.loads(raw)
    return result
