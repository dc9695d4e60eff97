"""Failed logins over HTTP: throttled per client, summarised in the audit log, never one row each."""

from __future__ import annotations

import secrets

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from lionrock.hub.auditing import verify_log
from lionrock.hub.members import authenticate, revoke_token
from lionrock.store.engine import read_transaction
from lionrock.store.schema import audit as audit_table
from tests.conftest import World

S = 1_000_000
LIMIT = 20  # Settings.login_failure_limit


def audit_rows(world: World) -> int:
    with read_transaction(world.hub.engine) as conn:
        return int(conn.execute(select(func.count()).select_from(audit_table)).scalar_one())


def failure_summaries(world: World) -> list[dict[str, object]]:
    with read_transaction(world.hub.engine) as conn:
        rows = conn.execute(
            select(audit_table.c.subject, audit_table.c.detail).where(audit_table.c.action == "login.failed")
        ).all()
    return [{"client": r.subject, **orjson.loads(r.detail)} for r in rows]


def bad() -> dict[str, str]:
    return {"Authorization": f"Bearer lr_{secrets.token_urlsafe(32)}"}


def freeze_clock(world: World, at: int) -> None:
    world.hub.clock = lambda: at


def test_burst_of_500_bad_tokens_writes_a_handful_of_audit_rows_and_later_gets_429(
    client: TestClient, world: World
) -> None:
    before = audit_rows(world)
    statuses = [client.get("/api/v1/me", headers=bad()).status_code for _ in range(500)]
    assert statuses[:LIMIT] == [401] * LIMIT and set(statuses[LIMIT:]) == {429}
    refused = client.get("/taxii2/", headers=bad())
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 300
    assert audit_rows(world) - before <= 3


def test_failed_logins_are_summarised_once_per_client_per_window(client: TestClient, world: World) -> None:
    start = world.hub.clock()
    freeze_clock(world, start)
    for _ in range(30):
        client.get("/api/v1/me", headers=bad())
    assert failure_summaries(world) == []  # nothing is written while the window is open
    freeze_clock(world, start + 61 * S)  # the window closes; the next request (any client) writes it
    assert client.get("/api/v1/me", headers=world.auth("bank-a")).status_code in (200, 429)
    (summary,) = failure_summaries(world)
    assert summary["client"] == "testclient" and summary["failures"] == LIMIT and summary["refused"] == 10
    assert summary["reasons"] == {"unknown": LIMIT} and len(summary["tokens"]) == 5  # type: ignore[arg-type]
    assert verify_log(world.hub).intact


def test_a_locked_out_client_is_let_in_again_after_the_lockout(client: TestClient, world: World) -> None:
    start = world.hub.clock()
    freeze_clock(world, start)
    for _ in range(LIMIT):
        client.get("/api/v1/me", headers=bad())
    assert client.get("/api/v1/me", headers=world.auth("bank-a")).status_code == 429  # no token is checked
    freeze_clock(world, start + 301 * S)
    assert client.get("/api/v1/me", headers=world.auth("bank-a")).status_code == 200


def test_a_token_that_worked_recently_still_passes_a_locked_out_address(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/me", headers=world.auth("bank-a")).status_code == 200  # e.g. a bank's feed job
    for _ in range(LIMIT + 5):  # ... and a broken script behind the same NAT
        client.get("/api/v1/me", headers=bad())
    assert client.get("/api/v1/me", headers=world.auth("bank-a")).status_code == 200
    assert client.get("/api/v1/me", headers=world.auth("bank-b")).status_code == 429  # not seen working yet
    assert client.get("/api/v1/me", headers=bad()).status_code == 429


def test_a_good_token_still_works_for_other_clients_while_one_is_locked_out(client: TestClient, world: World) -> None:
    for _ in range(LIMIT + 5):
        client.get("/api/v1/me", headers=bad())
    assert client.get("/api/v1/me", headers=world.auth("bank-a")).status_code == 429
    with TestClient(client.app, client=("198.51.100.23", 40000)) as other:
        assert other.get("/api/v1/me", headers=world.auth("bank-b")).json()["org"] == "bank-b"
        assert other.get("/taxii2/", headers=world.auth("bank-b")).status_code == 200


def test_successful_logins_write_nothing_but_the_hourly_token_use(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/me", headers=world.auth("bank-a")).status_code == 200
    before = audit_rows(world)
    for _ in range(50):
        assert client.get("/api/v1/me", headers=world.auth("bank-a")).status_code == 200
    assert audit_rows(world) == before


def test_requests_without_credentials_are_not_counted_as_failures(client: TestClient, world: World) -> None:
    statuses = {client.get("/api/v1/me").status_code for _ in range(LIMIT * 3)}
    assert statuses == {401}
    assert client.get("/api/v1/me", headers=world.auth("bank-a")).status_code == 200


def test_failure_summary_names_revoked_tokens_by_id_and_never_holds_a_secret(client: TestClient, world: World) -> None:
    revoked = world.tokens["bank-c:reader"]
    token_id = authenticate(world.hub, revoked).token_id
    revoke_token(world.hub, token_id, world.principals["ops"])
    start = world.hub.clock()
    freeze_clock(world, start)
    wrong = "lr_" + secrets.token_urlsafe(32)
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {revoked}"})
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {wrong}"})
    client.get("/api/v1/me", headers={"Authorization": "Basic !!!"})
    freeze_clock(world, start + 61 * S)
    client.get("/api/v1/me")
    (summary,) = failure_summaries(world)
    assert summary["reasons"] == {"revoked or expired": 1, "unknown": 1, "malformed credentials": 1}
    assert summary["tokens"] == [f"token {token_id}", wrong[:10]]
    assert revoked not in str(summary) and wrong not in str(summary)
