"""Publishing test objects straight through the hub's publish use case."""

from __future__ import annotations

from typing import Any

from lionrock.access.model import AudienceNames
from lionrock.hub.publish import PublishRequest, publish
from lionrock.stix.tlp import Tlp
from tests.conftest import World


def put(
    world: World,
    org: str,
    *objects: dict[str, Any],
    tlp: Tlp = Tlp.GREEN,
    community: bool = False,
    groups: tuple[str, ...] = (),
    orgs: tuple[str, ...] = (),
    anonymous: bool = False,
) -> None:
    audience = AudienceNames(community or not (groups or orgs), groups, orgs)
    result = publish(world.hub, world.principals[org], PublishRequest(list(objects), audience, tlp, anonymous))
    assert len(result.stored) == len(objects), result
