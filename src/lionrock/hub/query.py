"""Reading: every function takes a Principal and reads through its Visibility."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, select

from lionrock.access.model import Audience, Principal, Release
from lionrock.access.policy import Visibility, leaves_hub, outward_visibility_for, producer_shown, visibility_for
from lionrock.errors import NotFound
from lionrock.hub.context import Hub
from lionrock.hub.object_seal import blind_query, open_rows
from lionrock.stix.ids import us_to_timestamp
from lionrock.stix.tlp import Tlp
from lionrock.store import members
from lionrock.store import objects as store
from lionrock.store.engine import read_transaction
from lionrock.store.schema import audience


@dataclass(frozen=True)
class Shown:
    """One version as a reader may see it: the object and what the hub says about it."""

    version: store.StoredVersion
    meta: dict[str, Any]

    @property
    def obj(self) -> dict[str, Any]:
        return orjson.loads(self.version.body)  # type: ignore[no-any-return]

    @property
    def raw(self) -> orjson.Fragment:
        """The stored JSON, embedded as is by orjson: no parse and re-serialise on read paths."""
        return orjson.Fragment(self.version.body)

    @property
    def date_added(self) -> str:
        return us_to_timestamp(self.version.date_added)

    @property
    def stix_version(self) -> str:
        """The version as a STIX timestamp (the store keeps a fixed-width instant key); unversioned
        objects use date_added, as TAXII asks."""
        key = self.version.version
        if not key:
            return self.date_added
        fraction = key[19:].rstrip("0").ljust(3, "0")
        return f"{key[:19]}.{fraction}Z"


@dataclass(frozen=True)
class Page:
    items: list[Shown]
    more: bool
    next_cursor: tuple[int, int] | None


def _present(conn: Connection, vis: Visibility, rows: list[store.StoredVersion]) -> list[Shown]:
    """Attach TLP, audience and (pseudonymised) producer to each row."""
    if not rows:
        return []
    org_names = {o.id: o.name for o in members.all_orgs(conn)}
    group_names = {g[0]: g[1] for g in members.all_groups(conn)}
    aud_orgs: dict[int, set[int]] = {}
    aud_groups: dict[int, set[int]] = {}
    pks = [r.pk for r in rows]
    for start in range(0, len(pks), 500):
        for pk, org_id, group_id in conn.execute(
            select(audience.c.object_pk, audience.c.org_id, audience.c.group_id).where(
                audience.c.object_pk.in_(pks[start : start + 500])
            )
        ):
            if org_id is not None:
                aud_orgs.setdefault(pk, set()).add(org_id)
            else:
                aud_groups.setdefault(pk, set()).add(group_id)
    shown = []
    for r in rows:
        orgs = aud_orgs.get(r.pk, set())
        if r.anonymous and r.producer_org_id != vis.org_id:
            orgs = orgs - {r.producer_org_id}
        release = Release(r.producer_org_id, Tlp(r.tlp), Audience(r.community, frozenset(), frozenset()), r.anonymous)
        meta = {
            "tlp": r.tlp,
            "audience": {
                "community": r.community,
                "groups": sorted(group_names.get(g, str(g)) for g in aud_groups.get(r.pk, set())),
                "orgs": sorted(org_names.get(o, str(o)) for o in orgs),
            },
            "producer": producer_shown(vis, release, org_names.get(r.producer_org_id, "?")),
            "anonymous": r.anonymous,
            "date_added": us_to_timestamp(r.date_added),
            "channel": r.channel,
        }
        shown.append(Shown(r, meta))
    return shown


def get_object(hub: Hub, principal: Principal, stix_id: str, all_versions: bool = False) -> list[Shown]:
    vis = visibility_for(principal)
    with read_transaction(hub.engine) as conn:
        rows = store.versions_of(conn, vis, stix_id)
        if not rows:
            raise NotFound(f"no object {stix_id} that you may see")
        rows = open_rows(conn, hub, rows, strict=True)
        return _present(conn, vis, rows if all_versions else rows[-1:])


def list_objects(hub: Hub, principal: Principal, q: store.ObjectQuery, *, describe: bool = True) -> Page:
    """One page of visible versions; `describe=False` skips TLP/audience/producer (TAXII needs none)."""
    return _page(hub, visibility_for(principal), q, describe)


def outward_feed(hub: Hub, principal: Principal, q: store.ObjectQuery) -> Page:
    """What a member may pass on outside the hub: CLEAR and GREEN only. Its own use case, so that
    no exporter can reach it by forgetting a flag; every row is checked again before it leaves."""
    page = _page(hub, outward_visibility_for(principal), q, describe=False)
    items = [i for i in page.items if leaves_hub(Tlp(i.version.tlp))]
    return Page(items, page.more, page.next_cursor)


def _page(hub: Hub, vis: Visibility, q: store.ObjectQuery, describe: bool) -> Page:
    with read_transaction(hub.engine) as conn:
        rows = store.query_versions(conn, vis, blind_query(conn, hub, q))
        more = len(rows) > q.limit
        rows = rows[: q.limit]
        readable = open_rows(conn, hub, rows)
        items = _present(conn, vis, readable) if describe else [Shown(r, {}) for r in readable]
    cursor = (rows[-1].date_added, rows[-1].pk) if more and rows else None
    return Page(items, more, cursor)


def relationships(hub: Hub, principal: Principal, stix_id: str) -> list[Shown]:
    vis = visibility_for(principal)
    with read_transaction(hub.engine) as conn:
        if not store.versions_of(conn, vis, stix_id):
            raise NotFound(f"no object {stix_id} that you may see")
        return _present(conn, vis, open_rows(conn, hub, store.relationships_of(conn, vis, stix_id)))
