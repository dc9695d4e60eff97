"""Aggregates for the dashboard, each one GROUP BY query under the reader's Visibility.

Nothing here loops over objects in Python: the database counts, and returns one row per group."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, case, distinct, exists, func, literal, not_, select

from lionrock.access.policy import Visibility
from lionrock.store.schema import objects, owners, refs
from lionrock.store.visibility_sql import OTHER_VERSION, visible

WEEK_US = 7 * 86_400 * 1_000_000
_PATTERN_KEY = '"pattern":"'


def _position(conn: Connection, haystack: ColumnElement[str], needle: str) -> ColumnElement[int]:
    """1-based position of `needle` in `haystack`, 0 when absent (instr / strpos)."""
    if conn.dialect.name == "postgresql":
        return func.strpos(haystack, needle)
    return func.instr(haystack, needle)


def pattern_object_type(conn: Connection) -> ColumnElement[str]:
    """In SQL, the object type of an indicator's first comparison (stix.observable_kinds explains).

    Bodies are stored as compact JSON with sorted keys, so the pattern is the text after the first
    `"pattern":"`; leading brackets, parentheses and spaces are dropped and the type ends at ':'."""
    start = _position(conn, objects.c.body, _PATTERN_KEY)
    head = func.ltrim(func.substr(objects.c.body, start + len(_PATTERN_KEY), 120), "[( ")
    colon = _position(conn, head, ":")
    return case((and_(start > 0, colon > 1), func.substr(head, 1, colon - 1)), else_=literal(""))


def data_version(conn: Connection) -> tuple[int, int, int]:
    """Changes whenever any object is inserted, deleted or re-dated (a widened audience): the number
    of versions, the highest primary key and the latest date_added. Three index-only reads (one
    aggregate each, so SQLite answers max() from the index)."""
    count = conn.execute(select(func.count()).select_from(objects)).scalar_one()
    top = conn.execute(select(func.max(objects.c.pk))).scalar_one()
    latest = conn.execute(select(func.max(objects.c.date_added))).scalar_one()
    return int(count), int(top or 0), int(latest or 0)


def received_by_week(conn: Connection, vis: Visibility, since: int, until: int) -> list[tuple[int, str, int]]:
    """(week index from `since`, TLP, versions) of versions other organisations published that the
    reader may see, added in [since, until)."""
    # integer division in both SQLite and PostgreSQL (integers, non-negative)
    week = (objects.c.date_added - since) // WEEK_US
    stmt = (
        select(week.label("week"), objects.c.tlp, func.count())
        .where(
            objects.c.date_added >= since,
            objects.c.date_added < until,
            objects.c.producer_org_id != vis.org_id,
            visible(vis),
        )
        .group_by(week, objects.c.tlp)
    )
    return [(int(w), str(t), int(n)) for w, t, n in conn.execute(stmt)]


def indicator_types(conn: Connection, vis: Visibility) -> list[tuple[str, int]]:
    """(object type of the first comparison, distinct indicators) over the indicators the reader may see."""
    otype = pattern_object_type(conn)
    stmt = (
        select(otype.label("otype"), func.count(distinct(objects.c.stix_id)))
        .where(objects.c.stix_type == "indicator", visible(vis))
        .group_by(otype)
    )
    return [(str(t), int(n)) for t, n in conn.execute(stmt)]


def technique_uses(conn: Connection, vis: Visibility, limit: int) -> list[tuple[str, int]]:
    """(attack-pattern id, distinct relationships) for the attack-patterns most often referenced by
    relationships the reader may see (a relationship that points at a hidden object is not visible)."""
    uses = func.count(distinct(objects.c.stix_id))
    stmt = (
        select(refs.c.ref_id, uses)
        .select_from(refs.join(objects, objects.c.pk == refs.c.object_pk))
        .where(objects.c.stix_type == "relationship", refs.c.ref_id.like("attack-pattern--%"), visible(vis))
        .group_by(refs.c.ref_id)
        .order_by(uses.desc(), refs.c.ref_id)
        .limit(limit)
    )
    return [(str(ref), int(n)) for ref, n in conn.execute(stmt)]


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


def latest_visible(conn: Connection, vis: Visibility, ids: list[str]) -> dict[str, str]:
    """The latest visible version's body of each of a few ids (names for the rows shown)."""
    if not ids:
        return {}
    stmt = (
        select(objects.c.stix_id, objects.c.body)
        .where(objects.c.stix_id.in_(ids), visible(vis))
        .order_by(objects.c.stix_id, objects.c.version)
    )
    return {str(sid): str(body) for sid, body in conn.execute(stmt)}
