"""TAXII collections as views of the one store: Community, Advisories, one per sharing group."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from lionrock.access.model import Audience, OrgKind, Principal
from lionrock.errors import Forbidden, Invalid, NotFound
from lionrock.hub import statuses
from lionrock.hub.context import Hub
from lionrock.hub.publish import PublishRequest, publish_in
from lionrock.store import members
from lionrock.store.engine import read_transaction, write_transaction

_NS = uuid.UUID("1d5b6a0e-2c4f-4f7e-8a8e-6c1b2f0a9d33")
COMMUNITY_ID = str(uuid.uuid5(_NS, "community"))
ADVISORIES_ID = str(uuid.uuid5(_NS, "advisories"))
ADVISORY_CHANNEL = "advisories"
_ADVISORY_PUBLISHERS = (OrgKind.REGULATOR, OrgKind.LAW_ENFORCEMENT)


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    can_read: bool
    can_write: bool
    write_audience: Audience
    read_group_id: int | None = None
    channel: str | None = None


def group_collection_id(name: str) -> str:
    return str(uuid.uuid5(_NS, f"group:{name}"))


def collections_for(hub: Hub, who: Principal) -> list[Collection]:
    with read_transaction(hub.engine) as conn:
        return collections_in(conn, who)


def collections_in(conn: Connection, who: Principal) -> list[Collection]:
    """The collections a principal may use, read in the caller's transaction."""
    publish = who.role.may_publish
    found = [
        Collection(
            COMMUNITY_ID,
            "Community",
            "Everything you may see; writes go to the whole community.",
            True,
            publish,
            Audience(community=True),
        ),
        Collection(
            ADVISORIES_ID,
            "Advisories",
            "Advisories from the regulator and law enforcement.",
            True,
            publish and who.org_kind in _ADVISORY_PUBLISHERS,
            Audience(community=True),
            channel=ADVISORY_CHANNEL,
        ),
    ]
    for gid, name, member_ids in members.all_groups(conn):
        if who.org_id in member_ids:
            found.append(
                Collection(
                    group_collection_id(name),
                    f"Group: {name}",
                    f"Shared within the sharing group {name}; writes go to that group.",
                    True,
                    publish,
                    Audience(group_ids=frozenset({gid})),
                    read_group_id=gid,
                )
            )
    return found


def collection_for(hub: Hub, who: Principal, collection_id: str) -> Collection | None:
    return next((c for c in collections_for(hub, who) if c.id == collection_id), None)


StatusMaker = Callable[[set[int], dict[int, str]], dict[str, Any]]


def add_objects(
    hub: Hub, who: Principal, collection_id: str, objs: list[Any], status_of: StatusMaker
) -> dict[str, Any]:
    """A TAXII add in one transaction: the collection, the publish and its status resource. A refused
    envelope stores nothing but its status; `status_of(ok indexes, errors by index)` gives the body."""
    with write_transaction(hub.engine) as conn:
        c = next((c for c in collections_in(conn, who) if c.id == collection_id), None)
        if c is None:
            raise NotFound(f"no collection {collection_id}")
        if not c.can_write:
            raise Forbidden("you may not write to this collection")
        ok: set[int] = set()
        errors: dict[int, str] = {}
        attempt = conn.begin_nested()
        try:
            publish_in(conn, hub, who, PublishRequest(objs, c.write_audience, None, False, c.channel))
            attempt.commit()
            ok = set(range(len(objs)))
        except Invalid as exc:
            attempt.rollback()
            for p in exc.problems:
                errors[p.index] = f"{errors[p.index]}; {p.message}" if p.index in errors else p.message
            if not exc.problems:
                errors = dict.fromkeys(range(len(objs)), exc.message)
        body = status_of(ok, errors)
        statuses.save_in(conn, hub, who, body)
    return body
