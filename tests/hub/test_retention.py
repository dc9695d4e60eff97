"""Retention: what is due goes and only that, a dry run removes nothing, and each purge leaves a proof."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from lionrock.access.model import Audience
from lionrock.hub import Hub
from lionrock.hub.auditing import verify_log
from lionrock.hub.publish import PublishRequest, publish
from lionrock.hub.retention import ACTION, ids_digest, purge
from lionrock.stix.tlp import Tlp
from lionrock.store.engine import read_transaction, write_transaction
from lionrock.store.schema import audience, audit, intake_jobs, notifications, objects, users, web_sessions
from tests.conftest import World
from tests.factories import indicator, sighting

DAY = 24 * 3600 * 1_000_000
NOW = 1_800_000_000 * 1_000_000


def _at(hub: Hub, when: int) -> None:
    hub.clock = lambda: when


def _job(job_id: str, created: int, status: str = "done", purged: int | None = None) -> dict[str, Any]:
    return {
        "id": job_id, "org_id": 1, "created": created, "status": status, "progress": 100, "filename": "r.pdf",
        "decisions": "{}", "title": None if purged else "title", "result": None if purged else "text", "purged": purged,
    }  # fmt: skip


@pytest.fixture
def aged(world: World) -> World:
    """Rows on both sides of every cut-off, with the defaults (72 h, 30, 400, 180 days, 30 min idle)."""
    hub, bank_a = world.hub, world.principals["bank-a"]
    _at(hub, NOW - 500 * DAY)
    ind = indicator()
    publish(hub, bank_a, PublishRequest([ind], Audience(community=True), Tlp.GREEN))
    named = Audience(org_ids=frozenset({world.org_ids["bank-b"]}))
    publish(hub, bank_a, PublishRequest([sighting(ind["id"]), sighting(ind["id"])], named, Tlp.GREEN))
    _at(hub, NOW - 10 * DAY)
    publish(hub, bank_a, PublishRequest([sighting(ind["id"])], named, Tlp.GREEN))
    _at(hub, NOW)
    with write_transaction(hub.engine) as conn:
        conn.execute(
            intake_jobs.insert(),
            [
                _job("old-text", NOW - 4 * DAY),
                _job("old-running", NOW - 40 * DAY, status="running"),
                _job("new-text", NOW - 3600 * 1_000_000),
                _job("old-job", NOW - 31 * DAY, purged=NOW - 27 * DAY),
                _job("young-job", NOW - 29 * DAY, purged=NOW - 26 * DAY),
            ],
        )
        conn.execute(
            notifications.insert(),
            [
                {"org_id": 1, "created": NOW - 200 * DAY, "kind": "k", "text": "old read", "read_at": NOW - DAY},
                {"org_id": 1, "created": NOW - 200 * DAY, "kind": "k", "text": "old unread", "read_at": None},
                {"org_id": 1, "created": NOW - 10 * DAY, "kind": "k", "text": "new read", "read_at": NOW - DAY},
            ],
        )
        user = conn.execute(
            users.insert().values(org_id=1, name="ann", role="analyst", password_hash="x", created=0)
        ).inserted_primary_key[0]
        conn.execute(
            web_sessions.insert(),
            [
                {
                    "id_hash": "a" * 64,
                    "user_id": user,
                    "created": NOW - DAY,
                    "last_seen": NOW - 3600 * 1_000_000,
                    "csrf": "c",
                },
                {
                    "id_hash": "b" * 64,
                    "user_id": user,
                    "created": NOW - 60_000_000,
                    "last_seen": NOW - 60_000_000,
                    "csrf": "c",
                },
            ],
        )
    return world


def _snapshot(hub: Hub) -> dict[str, Any]:
    with read_transaction(hub.engine) as conn:
        return {
            "sightings": conn.execute(
                select(objects.c.pk).where(objects.c.stix_type == "sighting").order_by(objects.c.pk)
            ).scalars().all(),
            "texts": conn.execute(
                select(intake_jobs.c.id).where(intake_jobs.c.result.isnot(None)).order_by(intake_jobs.c.id)
            ).scalars().all(),
            "jobs": conn.execute(select(intake_jobs.c.id).order_by(intake_jobs.c.id)).scalars().all(),
            "notes": conn.execute(select(notifications.c.text).order_by(notifications.c.id)).scalars().all(),
            "sessions": conn.execute(select(web_sessions.c.id_hash)).scalars().all(),
            "audience": conn.execute(select(func.count()).select_from(audience)).scalar_one(),
        }  # fmt: skip


def _proofs(hub: Hub) -> dict[str, dict[str, Any]]:
    with read_transaction(hub.engine) as conn:
        rows = conn.execute(select(audit.c.subject, audit.c.detail).where(audit.c.action == ACTION)).all()
    return {subject: orjson.loads(detail) for subject, detail in rows}


def test_what_is_due_is_removed_and_only_that(aged: World) -> None:
    hub = aged.hub
    before = _snapshot(hub)
    purge(hub)
    after = _snapshot(hub)
    assert after["sightings"] == before["sightings"][2:]  # the two 500-day-old ones went, the 10-day one stays
    assert after["texts"] == ["new-text", "old-running"]
    assert after["jobs"] == ["new-text", "old-running", "old-text", "young-job"]
    assert after["notes"] == ["old unread", "new read"]
    assert after["sessions"] == ["b" * 64]
    assert after["audience"] == before["audience"] - 2  # a sighting's audience rows go with it


def test_a_dry_run_removes_nothing_and_records_nothing(aged: World) -> None:
    hub = aged.hub
    before = _snapshot(hub)
    listed = {r.kind: r.count for r in purge(hub, dry_run=True)}
    assert listed == {"intake_text": 1, "intake_job": 1, "sighting": 2, "notification": 1, "web_session": 1}
    assert _snapshot(hub) == before
    assert _proofs(hub) == {}


def test_each_kind_leaves_an_audit_proof_with_count_range_and_id_hash(aged: World) -> None:
    hub = aged.hub
    due_sightings = _snapshot(hub)["sightings"][:2]
    dry = {r.kind: r for r in purge(hub, dry_run=True)}
    purge(hub)
    proofs = _proofs(hub)
    assert set(proofs) == {"intake_text", "intake_job", "sighting", "notification", "web_session"}
    proof = proofs["sighting"]
    assert proof["count"] == 2
    assert proof["first_id"] == str(due_sightings[0]) and proof["last_id"] == str(due_sightings[1])
    expected = hashlib.sha256("".join(f"{pk}\n" for pk in due_sightings).encode()).hexdigest()
    assert proof["ids_sha256"] == expected == ids_digest(due_sightings) == dry["sighting"].ids_sha256
    assert proofs["intake_job"]["ids_sha256"] == ids_digest(["old-job"])
    assert proofs["web_session"]["classification"] == "restricted"
    assert verify_log(hub).intact


def test_a_second_purge_finds_nothing_and_adds_no_entries(aged: World) -> None:
    hub = aged.hub
    purge(hub)
    first = _proofs(hub)
    again = purge(hub)
    assert all(r.count == 0 for r in again)
    assert _proofs(hub) == first


def test_a_zero_period_keeps_that_kind_for_ever(aged: World) -> None:
    from dataclasses import replace

    hub = aged.hub
    hub.settings = replace(hub.settings, retention_sighting_days=0)
    before = _snapshot(hub)
    result = {r.kind: r for r in purge(hub)}
    assert result["sighting"].count == 0 and result["sighting"].cutoff_us is None
    assert _snapshot(hub)["sightings"] == before["sightings"]
