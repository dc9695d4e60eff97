"""Aggregates for the dashboard, each one GROUP BY query under the reader's Visibility.

Nothing here loops over objects in Python: the database counts, and returns one row per group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    and_,
    case,
    distinct,
    exists,
    func,
    literal,
    not_,
    select,
    union_all,
)

from lionrock.access.policy import Visibility
from lionrock.store.objects import StoredVersion, versions_of_many
from lionrock.store.schema import INDICATOR, PATTERN_OBJECT_TYPE, objects, owners, refs
from lionrock.store.visibility_sql import OTHER_VERSION, visible

WEEK_US = 7 * 86_400 * 1_000_000
_PATTERN_KEY = '"pattern":"'


def pattern_object_type(conn: Connection) -> ColumnElement[str]:
    """An indicator's main observable type in SQL (schema.PATTERN_OBJECT_TYPE, which is indexed)."""
    return PATTERN_OBJECT_TYPE


def data_version(conn: Connection) -> tuple[int, int, int]:
    """Changes whenever any object is inserted, deleted or re-dated (a widened audience): the number
    of versions, the highest primary key and the latest date_added. Three index-only reads (one
    aggregate each, so SQLite answers max() from the index)."""
    count = conn.execute(select(func.count()).select_from(objects)).scalar_one()
    top = conn.execute(select(func.max(objects.c.pk))).scalar_one()
    latest = conn.execute(select(func.max(objects.c.date_added))).scalar_one()
    return int(count), int(top or 0), int(latest or 0)


def _same(left: ColumnElement[Any], right: ColumnElement[Any]) -> ColumnElement[bool]:
    return left.op("=", is_comparison=True)(right)


@dataclass(frozen=True)
class Counts:
    total: int
    received: list[tuple[int, str, int]]  # (week index from `since`, TLP, versions)
    types: list[tuple[str, int]]  # (object type of the first comparison, distinct indicators); "*": all
    uses: list[tuple[str, int]]  # (attack-pattern id, distinct relationships)


def counts(conn: Connection, vis: Visibility, since: int, until: int, object_types: list[str]) -> Counts:
    """The dashboard's counts in one statement: the versions the reader may see are found once (a
    materialised CTE: the policy's predicate is the costly part) and every count is taken over them.

    - total: distinct object ids the reader may see (store.users.count_visible_objects);
    - received: versions other organisations published, added in [since, until), by week and TLP;
    - types: distinct visible indicators whose pattern's first object type is each of
      `object_types`, counted from ix_objects_indicator_kind without reading a body, and ("*") all
      visible indicators;
    - uses: for each attack-pattern, distinct visible relationships that reference it."""
    v = (
        select(
            objects.c.pk,
            objects.c.stix_id,
            objects.c.stix_type,
            objects.c.tlp,
            objects.c.date_added,
            objects.c.producer_org_id,
            # a column here, not an expression below: PostgreSQL matches GROUP BY expressions by
            # their text, and each bound parameter would get a number of its own
            ((objects.c.date_added - since) // WEEK_US).label("week"),
        )
        .where(visible(vis))
        .cte("v")
        .prefix_with("MATERIALIZED")
    )
    parts: list[Any] = [
        select(literal("n"), literal(""), literal(0), func.count(distinct(v.c.stix_id))),
        select(literal("w"), v.c.tlp, v.c.week, func.count())
        .where(v.c.date_added >= since, v.c.date_added < until, v.c.producer_org_id != vis.org_id)
        .group_by(v.c.tlp, v.c.week),
        select(literal("k"), literal("*"), literal(0), func.count(distinct(v.c.stix_id))).where(
            v.c.stix_type == "indicator"
        ),
        select(literal("t"), refs.c.ref_id, literal(0), func.count(distinct(v.c.stix_id)))
        .select_from(v.join(refs, refs.c.object_pk == v.c.pk))
        .where(v.c.stix_type == "relationship", refs.c.ref_id.like("attack-pattern--%"))
        .group_by(refs.c.ref_id),
    ]
    if object_types:
        # one index range per type (a VALUES list joined on the indexed expression), one list of
        # visible indicator keys; the type comes from the VALUES row, so no body is read
        wanted = union_all(*(select(literal(t, String).label("otype")) for t in object_types)).subquery("wanted")
        seen = select(v.c.pk).where(v.c.stix_type == "indicator")
        parts.append(
            select(literal("k"), wanted.c.otype, literal(0), func.count(distinct(objects.c.stix_id)))
            .select_from(
                wanted.join(
                    objects,
                    and_(objects.c.stix_type == INDICATOR, _same(PATTERN_OBJECT_TYPE, wanted.c.otype)),
                )
            )
            .where(objects.c.pk.in_(seen))
            .group_by(wanted.c.otype)
        )
    found = Counts(0, [], [], [])
    for part, key, group, n in conn.execute(union_all(*parts)):
        if part == "n":
            found = Counts(int(n), found.received, found.types, found.uses)
        elif part == "w":
            found.received.append((int(group), str(key), int(n)))
        elif part == "k":
            found.types.append((str(key), int(n)))
        else:
            found.uses.append((str(key), int(n)))
    found.uses.sort(key=lambda u: (-u[1], u[0]))
    return found


@dataclass(frozen=True)
class SightingGroup:
    """Sightings of one object: never who reported, only how many and whether the reader is among them."""

    about_ref: str
    organisations: int
    reports: int
    last_added: int
    reader_reported: bool
    owner_org_id: int | None


def recent_sightings(conn: Connection, vis: Visibility, since: int) -> list[SightingGroup]:
    """Sightings added since `since` (not revoked), grouped by what they sighted, for sighted objects
    the reader may see. The sightings themselves are counted whoever may see them one by one: only
    these aggregates leave this function, and the hub applies the three-organisation rule to them."""
    revoked = objects.alias("revoked_sighting")
    mine = func.max(case((objects.c.producer_org_id == vis.org_id, 1), else_=0))
    stmt = (
        select(
            objects.c.about_ref,
            func.count(distinct(objects.c.producer_org_id)),
            func.count(distinct(objects.c.stix_id)),
            func.max(objects.c.date_added),
            mine,
            owners.c.org_id,
        )
        .select_from(objects.outerjoin(owners, owners.c.stix_id == objects.c.about_ref))
        .where(
            objects.c.stix_type == "sighting",
            objects.c.about_ref.isnot(None),
            objects.c.date_added >= since,
            not_(
                exists(
                    select(1).where(
                        revoked.c.stix_id == objects.c.stix_id,
                        revoked.c.producer_org_id == objects.c.producer_org_id,
                        revoked.c.body.like('%"revoked":true%'),
                    )
                )
            ),
            exists(select(1).where(OTHER_VERSION.c.stix_id == objects.c.about_ref, visible(vis, OTHER_VERSION))),
        )
        .group_by(objects.c.about_ref, owners.c.org_id)
    )
    return [
        SightingGroup(str(ref), int(orgs), int(reports), int(last), bool(me), owner)
        for ref, orgs, reports, last, me, owner in conn.execute(stmt)
    ]


def latest_visible(conn: Connection, vis: Visibility, ids: list[str]) -> list[StoredVersion]:
    """The visible versions of a few ids, oldest first (the last of each gives names for the rows shown;
    sealed ones are opened by the hub)."""
    if not ids:
        return []
    return versions_of_many(conn, vis, ids)
