"""TAXII collections as views of the one store: Community, Advisories, one per sharing group."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lionrock.access.model import Audience, OrgKind, Principal
from lionrock.hub.context import Hub
from lionrock.store import members
from lionrock.store.engine import read_transaction

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
    with read_transaction(hub.engine) as conn:
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
