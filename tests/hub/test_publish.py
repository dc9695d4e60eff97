"""Publishing use case: atomicity, idempotence, conflicts, TLP defaults, anonymity, date_added."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lionrock.access.anonymity import ANONYMOUS_IDENTITY
from lionrock.access.model import Audience
from lionrock.errors import Forbidden, Invalid
from lionrock.hub import members, query
from lionrock.hub.publish import PublishRequest, publish
from lionrock.stix.tlp import Tlp
from lionrock.store.engine import read_transaction
from lionrock.store.objects import ObjectQuery
from lionrock.store.schema import objects
from tests.conftest import World
from tests.factories import indicator, malware, newer

COMMUNITY = Audience(community=True)


def _count(world: World) -> int:
    with read_transaction(world.hub.engine) as conn:
        return int(conn.execute(select(func.count()).select_from(objects)).scalar_one())


def _publish(
    world: World,
    who: str,
    objs: list[dict[str, object]],
    tlp: Tlp | None = Tlp.GREEN,
    audience: Audience = COMMUNITY,
    anonymous: bool = False,
) -> list[str]:
    p = world.principals[who]
    return publish(world.hub, p, PublishRequest(objs, audience, tlp, anonymous)).stored


def test_bundle_is_all_or_nothing(world: World) -> None:
    good, bad = indicator(), {**indicator(), "pattern": "[broken"}
    with pytest.raises(Invalid) as caught:
        _publish(world, "bank-a", [good, bad])
    assert [p.index for p in caught.value.problems] == [1]
    assert "pattern" in caught.value.problems[0].message
    assert _count(world) == 0


def test_identical_readd_stores_nothing_and_conflicting_content_is_refused(world: World) -> None:
    ind = indicator()
    assert _publish(world, "bank-a", [ind]) == [ind["id"]]
    assert _publish(world, "bank-a", [ind]) == []
    with pytest.raises(Invalid, match="conflict"):
        _publish(world, "bank-a", [{**ind, "name": "changed"}])
    assert _publish(world, "bank-a", [newer({**ind, "name": "changed"}, "2026-02-01T00:00:00.000Z")])
    assert _count(world) == 2


def test_no_tlp_anywhere_is_refused(world: World) -> None:
    with pytest.raises(Invalid) as caught:
        _publish(world, "bank-a", [indicator()], tlp=None)
    assert "no TLP marking" in caught.value.problems[0].message
    assert _publish(world, "bank-a", [indicator(tlp=Tlp.AMBER)], tlp=None)


def test_marking_beats_request_tlp(world: World) -> None:
    ind = indicator(tlp=Tlp.RED)
    with pytest.raises(Invalid, match="RED"):
        _publish(world, "bank-a", [ind], tlp=Tlp.GREEN)  # RED marking, community audience
    _publish(world, "bank-a", [ind], tlp=Tlp.GREEN, audience=Audience(org_ids=frozenset({world.org_ids["bank-b"]})))
    shown = query.get_object(world.hub, world.principals["bank-b"], ind["id"])
    assert shown[0].meta["tlp"] == "red"


def test_readers_may_not_publish(world: World) -> None:
    reader = members.authenticate(world.hub, world.tokens["bank-a:reader"])
    with pytest.raises(Forbidden):
        publish(world.hub, reader, PublishRequest([indicator()], COMMUNITY, Tlp.GREEN))


def test_anonymous_submission_hides_the_producer_but_not_from_itself(world: World) -> None:
    own = members.own_identity(world.hub, world.principals["bank-a"])
    ident = {
        "type": "identity",
        "spec_version": "2.1",
        "id": own,
        "created": "2026-01-01T00:00:00Z",
        "modified": "2026-01-01T00:00:00Z",
        "name": "bank-a",
        "identity_class": "organization",
    }
    ind = indicator(created_by_ref=own)
    result = publish(world.hub, world.principals["bank-a"], PublishRequest([ident, ind], COMMUNITY, Tlp.GREEN, True))
    assert result.withheld == [own]
    seen_by_b = query.get_object(world.hub, world.principals["bank-b"], ind["id"])[0]
    assert seen_by_b.obj["created_by_ref"] == ANONYMOUS_IDENTITY
    assert seen_by_b.meta["producer"] == "anonymous"
    assert "bank-a" not in str(seen_by_b.meta) and own not in str(seen_by_b.obj)
    assert query.get_object(world.hub, world.principals["bank-a"], ind["id"])[0].meta["producer"] == "bank-a"


def test_date_added_strictly_increases_and_readd_to_a_wider_audience_redates(world: World) -> None:
    a, b = indicator(), indicator()
    _publish(world, "bank-a", [a, b], audience=Audience(org_ids=frozenset({world.org_ids["bank-a"]})))
    page = query.list_objects(world.hub, world.principals["bank-a"], ObjectQuery())
    first = [i.version.date_added for i in page.items]
    assert first == sorted(first) and len(set(first)) == 2
    assert query.list_objects(world.hub, world.principals["bank-c"], ObjectQuery()).items == []
    _publish(world, "bank-a", [a])  # its producer re-adds the same version, now to the community
    seen = query.list_objects(world.hub, world.principals["bank-c"], ObjectQuery())
    assert [i.version.stix_id for i in seen.items] == [a["id"]]
    assert seen.items[0].version.date_added > max(first)


def test_relationships_follow_the_objects_they_reference(world: World) -> None:
    from tests.factories import relationship

    secret, public = indicator(tlp=Tlp.AMBER), malware(tlp=Tlp.GREEN)
    _publish(world, "bank-a", [secret], audience=Audience(group_ids=frozenset({world.group_ids["circle"]})))
    rel = relationship(secret["id"], public["id"], tlp=Tlp.GREEN)
    _publish(world, "bank-a", [public, rel])
    assert [s.version.stix_id for s in query.relationships(world.hub, world.principals["bank-b"], public["id"])] == [
        rel["id"]
    ]
    assert query.relationships(world.hub, world.principals["bank-c"], public["id"]) == []
