from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import Role
from lionrock.app import create_app
from lionrock.hub import Hub
from lionrock.hub.users import add_user
from lionrock.settings import Settings
from tests.conftest import World


@dataclass
class Clock:
    now: int = 1_800_000_000_000_000

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += int(seconds * 1_000_000)


@pytest.fixture
def clock(hub: Hub) -> Clock:
    c = Clock()
    hub.clock = c
    return c


@pytest.fixture
def passwords(world: World) -> dict[str, str]:
    """alice (analyst, bank-a), bob (reader, bank-b)."""
    return {
        "alice": add_user(world.hub, "bank-a", "alice", Role.ANALYST).password,
        "bob": add_user(world.hub, "bank-b", "bob", Role.READER).password,
    }


@pytest.fixture
def web(settings: Settings, hub: Hub, clock: Clock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, hub)) as c:
        yield c
