"""The sharing policy as a SQL predicate: the only way store reads filter objects.

Mirrors access.policy.released_to; tests/test_policy_properties.py checks that they agree.

The aliases are built once per nesting level (the main query, and the 'other version' subquery of
version filters): building SQLAlchemy aliases of the wide objects table on every request cost
more than running the query. Distinct aliases per level keep correlation unambiguous."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select, true
from sqlalchemy.sql.selectable import NamedFromClause

from lionrock.access.policy import Visibility
from lionrock.stix.tlp import Tlp
from lionrock.store.schema import audience, objects, owners, refs


@dataclass(frozen=True)
class _Names:
    """The aliases one nesting level uses."""

    aud: NamedFromClause
    owner: NamedFromClause
    ref: NamedFromClause
    held: NamedFromClause
    shown: NamedFromClause
    shown_aud: NamedFromClause
    shown_owner: NamedFromClause


def _names(prefix: str) -> _Names:
    return _Names(
        audience.alias(f"{prefix}_aud"),
        owners.alias(f"{prefix}_owner"),
        refs.alias(f"{prefix}_ref"),
        objects.alias(f"{prefix}_held"),
        objects.alias(f"{prefix}_shown"),
        audience.alias(f"{prefix}_shown_aud"),
        owners.alias(f"{prefix}_shown_owner"),
    )


OTHER_VERSION = objects.alias("other_version")
"""The alias version filters compare against (store.objects uses it)."""
_LEVELS: dict[int, _Names] = {id(objects): _names("v"), id(OTHER_VERSION): _names("ov")}


def _released_to(
    vis: Visibility, obj: NamedFromClause, aud: NamedFromClause, owner: NamedFromClause
) -> ColumnElement[bool]:
    """The version itself is released to the reader (access.policy.released_to, in SQL)."""
    reached = [aud.c.org_id == vis.org_id]
    if vis.group_ids:
        reached.append(aud.c.group_id.in_(sorted(vis.group_ids)))
    released = or_(
        obj.c.tlp == Tlp.CLEAR.value,
        obj.c.community == true(),
        exists(select(1).where(aud.c.object_pk == obj.c.pk, or_(*reached))),
    )
    sighted_owner = exists(select(1).where(owner.c.stix_id == obj.c.about_ref, owner.c.org_id == vis.org_id))
    others = and_(
        obj.c.owner_record == true(),
        or_(
            and_(obj.c.stix_type != "sighting", released),
            and_(obj.c.stix_type == "sighting", sighted_owner),
        ),
    )
    allowed = [t.value for t in vis.allowed_tlps]
    tlp_cap = obj.c.tlp.in_(allowed) if len(allowed) < len(Tlp) else true()
    return and_(tlp_cap, or_(obj.c.producer_org_id == vis.org_id, others))


def visible(vis: Visibility, obj: NamedFromClause = objects) -> ColumnElement[bool]:
    """Released to the reader, and (for others' relationships and sightings) every referenced object
    the hub holds is visible to the reader too, so that ids of hidden objects never leak. A producer
    always sees its own versions: otherwise its own relationship to a guessed id would vanish when
    the hub holds that id, telling it so. `obj` is the objects table or OTHER_VERSION."""
    n = _LEVELS[id(obj)]
    hidden_ref = exists(
        select(1).where(
            n.ref.c.object_pk == obj.c.pk,
            exists(select(1).where(n.held.c.stix_id == n.ref.c.ref_id)),
            not_(
                exists(
                    select(1).where(
                        n.shown.c.stix_id == n.ref.c.ref_id, _released_to(vis, n.shown, n.shown_aud, n.shown_owner)
                    )
                )
            ),
        )
    )
    return and_(
        _released_to(vis, obj, n.aud, n.owner),
        or_(obj.c.has_refs == false(), obj.c.producer_org_id == vis.org_id, not_(hidden_ref)),
    )
