"""How often an indicator was seen, and by how many organisations, under the small-count rule."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from lionrock.access.model import Principal
from lionrock.access.policy import MIN_SIGHTING_ORGS, sighting_counts_shown, visibility_for
from lionrock.errors import NotFound
from lionrock.hub.context import Hub
from lionrock.hub.object_seal import open_rows
from lionrock.stix.ids import timestamp_key
from lionrock.store import objects as store
from lionrock.store.engine import read_transaction


@dataclass(frozen=True)
class Seen:
    indicator_id: str
    shown: bool
    sightings: int | None = None  # the sum of the sightings' counts
    reports: int | None = None  # sighting objects (latest versions)
    organisations: int | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def seen(hub: Hub, principal: Principal, stix_id: str) -> Seen:
    """Aggregate sightings of an object the caller may see (404 otherwise)."""
    vis = visibility_for(principal)
    with read_transaction(hub.engine) as conn:
        if not store.versions_of(conn, vis, stix_id):
            raise NotFound(f"no object {stix_id} that you may see")
        owner, rows = store.sightings_for_counting(conn, stix_id)
        rows = open_rows(conn, hub, rows)
    latest: dict[str, store.SightingRow] = {}
    for row in rows:  # versions are instants in one fixed-width form, so strings compare as times
        if row.stix_id not in latest or row.version > latest[row.stix_id].version:
            latest[row.stix_id] = row
    total, reports, orgs = 0, 0, set()
    first: tuple[str, str] | None = None  # (instant key, as written)
    last: tuple[str, str] | None = None
    for row in latest.values():
        body = orjson.loads(row.body)
        if body.get("sighting_of_ref") != stix_id or body.get("revoked") is True:
            continue
        count = body.get("count", 1)
        total += count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else 1
        reports += 1
        orgs.add(row.producer_org_id)
        seen_from, seen_to = timestamp_key(body.get("first_seen")), timestamp_key(body.get("last_seen"))
        if seen_from and (first is None or seen_from < first[0]):
            first = (seen_from, body["first_seen"])
        if seen_to and (last is None or seen_to > last[0]):
            last = (seen_to, body["last_seen"])
    if not sighting_counts_shown(principal.org_id, owner, frozenset(orgs)):
        return Seen(
            stix_id,
            shown=False,
            reason=f"counts are shown once at least {MIN_SIGHTING_ORGS} organisations have sighted it",
        )
    return Seen(stix_id, True, total, reports, len(orgs), first and first[1], last and last[1])
