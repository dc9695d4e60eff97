"""The audit chain: what is recorded and that any change to the past is detected."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from lionrock.store import audit
from lionrock.store.engine import read_transaction
from lionrock.store.schema import audit as audit_table
from tests.conftest import World


def test_security_actions_are_chained(world: World) -> None:
    with read_transaction(world.hub.engine) as conn:
        actions = [e.action for e in reversed(audit.entries(conn))]
        assert audit.first_broken(conn) is None
    assert actions.count("org.add") == 6 and "group.add" in actions and "token.create" in actions
    assert "token.use" in actions


def test_removed_entry_breaks_the_chain(world: World) -> None:
    with world.hub.engine.begin() as conn:
        conn.execute(delete(audit_table).where(audit_table.c.seq == 2))
    with read_transaction(world.hub.engine) as conn:
        broken = audit.first_broken(conn)
    assert broken is not None and broken[0] == 3 and "removed" in broken[1]


def test_failed_logins_are_recorded_without_the_secret(client: TestClient, world: World) -> None:
    client.get("/api/v1/me", headers={"Authorization": "Bearer lr_wrong-secret-value"})
    with read_transaction(world.hub.engine) as conn:
        rows = conn.execute(select(audit_table.c.action, audit_table.c.detail)).all()
    assert ("login.failed", '{"reason":"unknown"}') in [tuple(r) for r in rows]
    assert not any("wrong-secret" in str(r) for r in rows)
