"""Aggregates for the regulator's sector view: GROUP BY queries, one row per (group, organisation).

These count across the whole hub, objects the regulator may not read included: the sector view
releases nothing but counts, and the hub puts every count through the three-organisation rule
(access.suppression) before it is shown. Organisation ids come back so the rule can count
organisations; they never reach a page."""

from __future__ import annotations

from sqlalchemy import Connection, case, distinct, func, select, true

from lionrock.store.dashboard import pattern_object_type
from lionrock.store.schema import INDICATOR, advisory_responses, objects, orgs, refs

DAY_US = 86_400 * 1_000_000
HK_OFFSET_US = 8 * 3_600 * 1_000_000


def published_by_day(conn: Connection, since: int) -> list[tuple[str, int, int, int]]:
    """(organisation kind, Hong Kong day number since the epoch, producer org id, versions) since `since`."""
    # the day as a column of a subquery: PostgreSQL matches GROUP BY expressions by their text,
    # and each bound parameter would get a number of its own
    dated = (
        select(
            objects.c.producer_org_id,
            ((objects.c.date_added + HK_OFFSET_US) // DAY_US).label("day"),
        )
        .where(objects.c.date_added >= since)
        .subquery("dated")
    )
    stmt = (
        select(orgs.c.kind, dated.c.day, dated.c.producer_org_id, func.count())
        .select_from(dated.join(orgs, orgs.c.id == dated.c.producer_org_id))
        .group_by(orgs.c.kind, dated.c.day, dated.c.producer_org_id)
    )
    return [(str(k), int(d), int(o), int(n)) for k, d, o, n in conn.execute(stmt)]


def activity_by_org(conn: Connection) -> list[tuple[str, int, int, int]]:
    """(organisation kind, org id, versions published other than sightings, sightings reported)."""
    sightings = func.sum(case((objects.c.stix_type == "sighting", 1), else_=0))
    stmt = (
        select(orgs.c.kind, objects.c.producer_org_id, func.count(), sightings)
        .select_from(objects.join(orgs, orgs.c.id == objects.c.producer_org_id))
        .group_by(orgs.c.kind, objects.c.producer_org_id)
    )
    return [(str(k), int(o), int(n) - int(s or 0), int(s or 0)) for k, o, n, s in conn.execute(stmt)]


def acknowledgements_by_org(conn: Connection) -> list[tuple[str, int, int]]:
    """(organisation kind, org id, advisories acknowledged)."""
    stmt = (
        select(orgs.c.kind, advisory_responses.c.org_id, func.count())
        .select_from(advisory_responses.join(orgs, orgs.c.id == advisory_responses.c.org_id))
        .where(advisory_responses.c.acknowledged_at.isnot(None))
        .group_by(orgs.c.kind, advisory_responses.c.org_id)
    )
    return [(str(k), int(o), int(n)) for k, o, n in conn.execute(stmt)]


def org_kinds(conn: Connection) -> dict[int, str]:
    return {int(i): str(k) for i, k in conn.execute(select(orgs.c.id, orgs.c.kind))}


def responses_to(conn: Connection, advisory_ids: list[str]) -> list[tuple[str, int, int | None, str | None]]:
    """(advisory id, org id, acknowledged_at, exposure) of every response to these advisories."""
    if not advisory_ids:
        return []
    stmt = select(
        advisory_responses.c.advisory_id,
        advisory_responses.c.org_id,
        advisory_responses.c.acknowledged_at,
        advisory_responses.c.exposure,
    ).where(advisory_responses.c.advisory_id.in_(advisory_ids))
    return [(str(a), int(o), t, e) for a, o, t, e in conn.execute(stmt)]


def sightings_by_technique(conn: Connection) -> list[tuple[str, int, int]]:
    """(attack-pattern id, reporting org id, distinct sightings) for sightings of an object that a
    relationship links to an attack-pattern (an indicator that `indicates` a technique)."""
    sighting = objects.alias("s")
    rel = objects.alias("rel")
    to_object = refs.alias("r_obj")
    to_technique = refs.alias("r_tech")
    stmt = (
        select(to_technique.c.ref_id, sighting.c.producer_org_id, func.count(distinct(sighting.c.stix_id)))
        .select_from(
            sighting.join(to_object, to_object.c.ref_id == sighting.c.about_ref)
            .join(rel, (rel.c.pk == to_object.c.object_pk) & (rel.c.stix_type == "relationship"))
            .join(to_technique, to_technique.c.object_pk == rel.c.pk)
        )
        .where(sighting.c.stix_type == "sighting", to_technique.c.ref_id.like("attack-pattern--%"))
        .group_by(to_technique.c.ref_id, sighting.c.producer_org_id)
    )
    return [(str(t), int(o), int(n)) for t, o, n in conn.execute(stmt)]


def sightings_by_indicator_type(conn: Connection) -> list[tuple[str, int, int]]:
    """(object type of the sighted indicator's first comparison, reporting org id, distinct sightings)."""
    indicators = (
        select(objects.c.stix_id, pattern_object_type(conn).label("otype"))
        .where(objects.c.stix_type == INDICATOR, objects.c.owner_record == true())
        .subquery("ind")
    )
    sighting = objects.alias("s")
    stmt = (
        select(indicators.c.otype, sighting.c.producer_org_id, func.count(distinct(sighting.c.stix_id)))
        .select_from(sighting.join(indicators, indicators.c.stix_id == sighting.c.about_ref))
        .where(sighting.c.stix_type == "sighting")
        .group_by(indicators.c.otype, sighting.c.producer_org_id)
    )
    return [(str(t), int(o), int(n)) for t, o, n in conn.execute(stmt)]
