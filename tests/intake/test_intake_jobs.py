"""Intake jobs in the hub: the queue bound, the stored-once extraction, restart recovery, purging
and the single publish transition."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text

from lionrock.access.model import Audience
from lionrock.app import create_app
from lionrock.errors import Conflict, Forbidden
from lionrock.hub import intake
from lionrock.hub.publish import PublishResult
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from lionrock.store import intake_jobs as jobs
from lionrock.store.engine import make_engine, read_transaction, write_transaction
from lionrock.store.migrate import upgrade
from lionrock.store.schema import intake_jobs, objects
from tests.conftest import World

REPORT = (
    b"Operation Lantern used PowerShell. C2: hxxps://pay-hk[.]example-bank.com/login and 203.0.113.50. "
    b"The victim's HKID A123456(3) leaked."
)
HOUR_US = 3600 * 1_000_000


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, intake_workers=1, intake_queue_size=1, intake_retention_hours=24)


def _wait(client: TestClient, world: World, job: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()
        if state["status"] in ("done", "failed"):
            return dict(state)
        time.sleep(0.05)
    raise AssertionError("job did not end")


def _upload(client: TestClient, world: World, data: bytes = REPORT) -> str:
    up = client.post("/api/v1/intake", params={"filename": "r.txt"}, content=data, headers=world.auth("bank-a"))
    assert up.status_code == 202, up.text
    return str(up.json()["id"])


def _count_jobs(world: World) -> int:
    with read_transaction(world.hub.engine) as conn:
        return int(conn.execute(select(func.count()).select_from(intake_jobs)).scalar_one())


def test_full_intake_queue_answers_503_with_retry_after_and_stores_nothing(client: TestClient, world: World) -> None:
    runner = intake.pool(world.hub)
    runner.reserve()  # one worker + one queue place (the settings above): both taken
    runner.reserve()
    before = _count_jobs(world)
    refused = client.post("/api/v1/intake", content=REPORT, headers=world.auth("bank-a"))
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) >= 1
    assert "queue is full" in refused.json()["error"]["message"]
    assert _count_jobs(world) == before
    runner.release()
    assert _wait(client, world, _upload(client, world))["status"] == "done"
    runner.release()


def test_polling_reads_the_stored_extraction_and_never_extracts_again(client: TestClient, world: World) -> None:
    job = _upload(client, world)
    first = _wait(client, world, job)
    runner = world.hub.intake_pool
    assert runner is not None
    runs = runner.runs
    for _ in range(3):
        assert client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json() == first
    patched = client.patch(
        f"/api/v1/intake/{job}", headers=world.auth("bank-a"), json={"reject": ["ipv4-addr:203.0.113.50"]}
    )
    assert patched.status_code == 200
    after = client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()
    assert [i["accepted"] for i in after["result"]["indicators"] if i["value"] == "203.0.113.50"] == [False]
    assert runner.runs == runs  # one worker run for the upload, none for the polls and the review
    with read_transaction(world.hub.engine) as conn:
        clear, sealed = conn.execute(
            select(intake_jobs.c.result, intake_jobs.c.sealed).where(intake_jobs.c.id == job)
        ).one()
    assert clear is None and sealed and b"document_key" not in sealed  # stored once, sealed (docs/keys.md)
    assert "text" not in {c["name"] for c in inspect(world.hub.engine).get_columns("intake_jobs")}
    assert "A123456" not in str(after["draft"])  # personal data still redacted from the stored evidence


def test_jobs_left_running_by_a_crash_are_marked_failed_at_start(settings: Settings, world: World) -> None:
    hub = world.hub
    who = world.principals["bank-a"]
    with write_transaction(hub.engine) as conn:  # what a process killed mid-job leaves behind
        jobs.add(conn, "crashed-queued", who.org_id, hub.clock(), "a.pdf")
        jobs.add(conn, "crashed-running", who.org_id, hub.clock(), "b.pdf")
        jobs.set_fields(conn, "crashed-running", status=jobs.RUNNING, progress=10)
    with TestClient(create_app(settings, hub)) as client:
        for job in ("crashed-queued", "crashed-running"):
            state = client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()
            assert state["status"] == "failed" and "interrupted by a restart" in state["error"]
        assert _wait(client, world, _upload(client, world))["status"] == "done"  # and intake still works


def test_a_publish_that_fails_leaves_the_job_in_review_and_stores_nothing(client: TestClient, world: World) -> None:
    """Publishing the draft and marking the job published are one transaction: all or nothing."""
    job = _upload(client, world)
    _wait(client, world, job)
    who = world.principals["bank-a"]
    with pytest.raises(Forbidden):  # bank-a is no member of the "le" group
        intake.publish_job(
            world.hub,
            who,
            job,
            tlp=Tlp.GREEN,
            audience=Audience(group_ids=frozenset({world.group_ids["le"]})),
            anonymous=False,
        )
    assert client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()["status"] == "done"
    with read_transaction(world.hub.engine) as conn:
        assert conn.execute(select(func.count()).select_from(objects)).scalar_one() == 0
    first = intake.publish_job(world.hub, who, job, tlp=Tlp.GREEN, audience=Audience(community=True), anonymous=False)
    assert first.stored
    with pytest.raises(Conflict):
        intake.publish_job(world.hub, who, job, tlp=Tlp.GREEN, audience=Audience(community=True), anonymous=False)


def test_uploaded_text_is_purged_after_the_retention_period(
    settings: Settings, client: TestClient, world: World
) -> None:
    hub = world.hub
    job = _upload(client, world)
    assert _wait(client, world, job)["status"] == "done"
    assert intake.purge_expired(hub, force=True) == 0  # not yet
    real_clock = hub.clock
    hub.clock = lambda: real_clock() + (settings.intake_retention_hours + 1) * HOUR_US
    try:
        with TestClient(create_app(settings, hub)) as restarted:  # start-up runs the purge (as uploads and polls do)
            state = restarted.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()
            assert state["status"] == "done" and state["purged"] and "result" not in state
            again = restarted.patch(f"/api/v1/intake/{job}", headers=world.auth("bank-a"), json={"reject": []})
            assert again.status_code == 409 and "retention" in again.json()["error"]["message"]
    finally:
        hub.clock = real_clock
    with read_transaction(hub.engine) as conn:
        row = conn.execute(
            select(intake_jobs.c.result, intake_jobs.c.title, intake_jobs.c.sealed).where(intake_jobs.c.id == job)
        ).one()
    assert tuple(row) == (None, None, None)


def test_purge_runs_on_a_cheap_trigger_at_most_every_few_minutes(world: World) -> None:
    runner = intake.pool(world.hub)
    assert runner.due("chore", 300) is True
    assert runner.due("chore", 300) is False
    assert runner.due("chore", 0) is True


def test_uploaded_text_is_purged_when_published(client: TestClient, world: World) -> None:
    job = _upload(client, world)
    _wait(client, world, job)
    pub = client.post(f"/api/v1/intake/{job}/publish", headers=world.auth("bank-a"), json={"tlp": "green"})
    assert pub.status_code == 201
    state = client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()
    assert state["status"] == "published" and state["published"] and state["purged"] and "result" not in state
    with read_transaction(world.hub.engine) as conn:
        row = conn.execute(
            select(intake_jobs.c.result, intake_jobs.c.title, intake_jobs.c.sealed).where(intake_jobs.c.id == job)
        ).one()
    assert tuple(row) == (None, None, None)


def test_six_concurrent_publishes_of_one_job_store_one_set_of_versions(client: TestClient, world: World) -> None:
    job = _upload(client, world)
    _wait(client, world, job)
    barrier = threading.Barrier(6)
    results: list[PublishResult | Exception] = []
    lock = threading.Lock()

    def publish_once() -> None:
        barrier.wait()
        try:
            outcome: PublishResult | Exception = intake.publish_job(
                world.hub,
                world.principals["bank-a"],
                job,
                tlp=Tlp.AMBER,
                audience=Audience(community=True),
                anonymous=False,
            )
        except Exception as exc:
            outcome = exc
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=publish_once) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    published = [r for r in results if isinstance(r, PublishResult)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(published) == 1 and len(refused) == 5, results
    report_id = next(stix_id for stix_id in published[0].stored if stix_id.startswith("report--"))
    with read_transaction(world.hub.engine) as conn:
        versions = conn.execute(select(func.count()).where(objects.c.stix_id == report_id)).scalar_one()
    assert versions == 1
    over_rest = client.post(f"/api/v1/intake/{job}/publish", headers=world.auth("bank-a"), json={"tlp": "amber"})
    assert over_rest.status_code == 409


def test_migration_0003_drops_uploaded_text_and_fails_jobs_it_cannot_review(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0002")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO intake_jobs (id, org_id, created, status, progress, filename, text, decisions, "
                    "published) VALUES ('old', 1, 1, 'done', 100, 'a.pdf', 'HKID A123456(3)', '{}', NULL), "
                    "('sent', 1, 1, 'done', 100, 'b.pdf', 'text', '{}', '2026-01-01T00:00:00.000Z')"
                )
            )
        upgrade(engine, "head")
        assert "text" not in {c["name"] for c in inspect(engine).get_columns("intake_jobs")}
        with engine.begin() as conn:
            rows = dict(conn.execute(text("SELECT id, status FROM intake_jobs")).all())
        assert rows == {"old": "failed", "sent": "published"}
    finally:
        engine.dispose()
