"""Importing MITRE ATT&CK into the hub: public knowledge, stored TLP:CLEAR for the whole community,
published by the hub's own operator organisation."""

from __future__ import annotations

from typing import Any

import orjson

from lionrock.access.model import Audience, OrgKind, Principal, Role
from lionrock.access.policy import visibility_for
from lionrock.hub.context import Hub
from lionrock.hub.members import add_org
from lionrock.hub.object_seal import open_rows
from lionrock.hub.publish import PublishRequest, publish
from lionrock.intake.attack import Technique, catalogue, upgrade_to_21
from lionrock.stix.tlp import Tlp
from lionrock.store import members
from lionrock.store.engine import read_transaction
from lionrock.store.objects import ObjectQuery, query_versions

HUB_ORG = "lionrock hub"
_BATCH = 5000


def hub_principal(hub: Hub) -> Principal:
    """The hub itself, as the publisher of public reference data."""
    with read_transaction(hub.engine) as conn:
        org = members.org_by_name(conn, HUB_ORG)
    org_id = org.id if org else add_org(hub, HUB_ORG, OrgKind.OPERATOR)
    return Principal(org_id, HUB_ORG, OrgKind.OPERATOR, Role.ANALYST)


def import_attack(hub: Hub, objects: list[dict[str, Any]]) -> tuple[int, int]:
    who = hub_principal(hub)
    upgraded = [upgrade_to_21(o) for o in objects]
    stored = 0
    for start in range(0, len(upgraded), _BATCH):
        batch = upgraded[start : start + _BATCH]
        result = publish(hub, who, PublishRequest(batch, Audience(community=True), Tlp.CLEAR))
        stored += len(result.stored)
    return stored, len(upgraded)


def attack_catalogue(hub: Hub, who: Principal) -> dict[str, Technique]:
    """The ATT&CK techniques the caller may see in the hub (through the sharing policy)."""
    objects: list[dict[str, Any]] = []
    vis = visibility_for(who)
    after = None
    with read_transaction(hub.engine) as conn:
        while True:
            rows = query_versions(conn, vis, ObjectQuery(types=("attack-pattern",), limit=5000, after=after))
            objects.extend(orjson.loads(row.body) for row in open_rows(conn, hub, rows[:5000]))
            if len(rows) <= 5000:
                break
            after = (rows[4999].date_added, rows[4999].pk)
    return catalogue(objects)
