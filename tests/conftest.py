"""Shared fixtures. The database is SQLite unless LIONROCK_TEST_DATABASE_URL names a PostgreSQL server
(`.ci/run` runs the suite both ways)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.app import create_app
from lionrock.hub import Hub
from lionrock.hub.members import add_group, add_org, authenticate, create_token
from lionrock.settings import Settings
from lionrock.store.engine import normalise_url

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PG_URL = os.environ.get("LIONROCK_TEST_DATABASE_URL")


def shared(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (clone with ../shared beside the repo)")
    return path


def _reset_postgres(url: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    if PG_URL:
        _reset_postgres(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'hub.db'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, max_content_length=2 * 1024 * 1024, page_size=1000)


@pytest.fixture
def hub(settings: Settings) -> Iterator[Hub]:
    h = Hub.open(settings)
    yield h
    h.close()


@dataclass
class World:
    """A small sector: three banks, a regulator, the police, an operator, one sharing group."""

    hub: Hub
    tokens: dict[str, str] = field(default_factory=dict)
    principals: dict[str, Principal] = field(default_factory=dict)
    org_ids: dict[str, int] = field(default_factory=dict)
    group_ids: dict[str, int] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


ORGS = {
    "bank-a": OrgKind.BANK,
    "bank-b": OrgKind.BANK,
    "bank-c": OrgKind.BANK,
    "hkma": OrgKind.REGULATOR,
    "police": OrgKind.LAW_ENFORCEMENT,
    "ops": OrgKind.OPERATOR,
}


def build_world(hub: Hub) -> World:
    world = World(hub)
    for name, kind in ORGS.items():
        world.org_ids[name] = add_org(hub, name, kind)
    world.group_ids["circle"] = add_group(hub, "circle", ["bank-a", "bank-b"])
    world.group_ids["le"] = add_group(hub, "le", ["police", "hkma"])
    for name in ORGS:
        role = Role.OPERATOR if name == "ops" else Role.ANALYST
        secret = create_token(hub, name, role).secret
        world.tokens[name] = secret
        world.principals[name] = authenticate(hub, secret)
        reader = create_token(hub, name, Role.READER).secret
        world.tokens[f"{name}:reader"] = reader
    return world


@pytest.fixture
def world(hub: Hub) -> World:
    return build_world(hub)


@pytest.fixture
def client(settings: Settings, hub: Hub) -> Iterator[TestClient]:
    with TestClient(create_app(settings, hub)) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_url(settings: Settings, hub: Hub) -> Iterator[str]:
    """The app served over real HTTP by uvicorn in a thread, for reference clients."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, hub), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def bundle(*objects: dict[str, Any]) -> dict[str, Any]:
    return {"type": "bundle", "id": "bundle--0f0e5b3a-0a49-4d2c-9d4b-6f7c1a2b3c4d", "objects": list(objects)}


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One fresh SoftHSM2 token for the session (tests/crypto/softhsm.py; skips when SoftHSM2 is absent)."""
    from tests.crypto.softhsm import softhsm_token

    return softhsm_token(tmp_path_factory.mktemp("softhsm"))
