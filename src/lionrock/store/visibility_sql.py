"""The sharing policy as a SQL predicate: the only way store reads filter objects.

Mirrors access.policy.released_to; tests/test_policy_properties.py checks that they agree."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select, true
from sqlalchemy.sql.selectable import NamedFromClause

from lionrock.access.policy import Visibility
from lionrock.stix.tlp import Tlp
from lionrock.store.schema import audience, objects, owners, refs


def _released_to(vis: Visibility, obj: NamedFromClause) -> ColumnElement[bool]:
    """The version itself is released to the reader (access.policy.released_to, in SQL)."""
    aud = audience.alias()
    owner = owners.alias()
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
    the hub holds that id, telling it so."""
    ref = refs.alias()
    held = objects.alias()
    shown = objects.alias()
    hidden_ref = exists(
        select(1).where(
            ref.c.object_pk == obj.c.pk,
            exists(select(1).where(held.c.stix_id == ref.c.ref_id)),
            not_(exists(select(1).where(shown.c.stix_id == ref.c.ref_id, _released_to(vis, shown)))),
        )
    )
    return and_(
        _released_to(vis, obj),
        or_(obj.c.has_refs == false(), obj.c.producer_org_id == vis.org_id, not_(hidden_ref)),
    )
