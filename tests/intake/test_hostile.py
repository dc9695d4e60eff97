"""Hostile documents through the hub: each ends within 60 s, its worker below 1.5 GiB, with a clear
error naming the limit, and the hub answers normal requests afterwards. The documents are
generated here (tests/intake/hostile.py), never committed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lionrock.hub import intake
from lionrock.hub.intake_pool import IntakePool, Outcome, PoolConfig
from lionrock.intake.document import MIB, Limits
from lionrock.intake.worker import Task
from lionrock.settings import Settings
from tests.conftest import World
from tests.intake.hostile import docx_padded, eml_with_encoded_words, html_nested, pdf_inflating_to, pdf_with_pages

REPORT = b"C2: hxxps://pay-hk[.]example-bank.com/login and 203.0.113.50; the scammer called +852 6123 4567."
WITHIN_SECONDS = 60.0
BELOW_KIB = int(1.5 * 1024 * 1024)  # 1.5 GiB


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, max_content_length=16 * MIB, intake_workers=2, intake_queue_size=8)


def _wait(client: TestClient, world: World, job: str, timeout: float = 90.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()
        if state["status"] in ("done", "failed"):
            return dict(state)
        time.sleep(0.05)
    raise AssertionError(f"job {job} did not end within {timeout} s")


def _outcome(world: World, job: str) -> Outcome:
    runner = world.hub.intake_pool
    assert runner is not None
    return next(outcome for job_id, outcome in runner.history if job_id == job)


def _upload(client: TestClient, world: World, data: bytes, name: str) -> str:
    up = client.post("/api/v1/intake", params={"filename": name}, content=data, headers=world.auth("bank-a"))
    assert up.status_code == 202, up.text
    return str(up.json()["id"])


HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "pdf_inflating_to_1gb": (lambda: pdf_inflating_to(1024 * MIB), "bomb.pdf", "max_pdf_stream_bytes"),
    "email_with_50000_encoded_words": (lambda: eml_with_encoded_words(50_000), "bomb.eml", "max_header_chars"),
    "docx_with_incompressible_padding": (lambda: docx_padded(40), "padded.docx", "max_zip_ratio"),
    "docx_with_a_huge_decompressed_part": (lambda: docx_padded(200), "huge.docx", "max_unzipped_bytes"),
    "html_nested_a_million_deep": (lambda: html_nested(1_000_000), "deep.html", "max_html_depth"),
    "pdf_with_1999_pages": (lambda: pdf_with_pages(1999), "long.pdf", "max_pages"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_document_ends_under_limits_with_a_clear_error(client: TestClient, world: World, case: str) -> None:
    make, name, limit = HOSTILE[case]
    data = make()
    assert len(data) <= 6 * MIB  # small on the wire
    started = time.monotonic()
    state = _wait(client, world, _upload(client, world, data, name))
    elapsed = time.monotonic() - started
    assert state["status"] == "failed" and f"({limit})" in state["error"], state
    assert elapsed < WITHIN_SECONDS
    outcome = _outcome(world, state["id"])
    assert outcome.peak_rss_kib is not None and outcome.peak_rss_kib < BELOW_KIB
    # the hub still serves: a read, and a normal report read end to end
    assert client.get("/api/v1/objects", headers=world.auth("bank-b")).status_code == 200
    normal = _wait(client, world, _upload(client, world, REPORT, "normal.txt"))
    assert normal["status"] == "done" and normal["result"]["indicators"]


def _run_alone(task: Task, seconds: int, memory_mib: int) -> Outcome:
    """One job through a pool of its own, outside any hub: the worker's limits are the last line."""
    outcomes: list[Outcome] = []
    runner = IntakePool(PoolConfig(1, 1, memory_mib, seconds), lambda _job: True, lambda _job, o: outcomes.append(o))
    try:
        runner.reserve()
        runner.enqueue(intake_job("backstop", task))
        deadline = time.monotonic() + seconds + 30
        while not outcomes and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.close()
    assert outcomes, "the pool gave no outcome"
    return outcomes[0]


def intake_job(job_id: str, task: Task) -> Any:
    from lionrock.hub.intake_pool import Job

    return Job(job_id, lambda: task)


def test_worker_out_of_memory_fails_its_job_with_the_reason() -> None:
    """With the readers' size limits lifted, the worker's address-space limit is what stops it."""
    data = b"203.0.113.7 " * (64 * MIB // 12)
    wide_open = Limits(max_bytes=10**10, max_chars=10**10)
    started = time.monotonic()
    outcome = _run_alone(Task(data, "huge.txt", wide_open, 128, 30), 30, 128)
    assert time.monotonic() - started < WITHIN_SECONDS
    assert outcome.result is None and outcome.error is not None
    assert "more than 128 MiB of memory" in outcome.error and "(intake_memory_mib)" in outcome.error, outcome.error


@pytest.mark.slow
def test_pdf_that_makes_the_reader_spin_is_stopped_at_the_time_limit(database_url: str, world: World) -> None:
    """8 MiB of overlapping text operators (under every size limit) keeps PDFium busy for minutes:
    the worker's CPU and wall-clock limits stop it, the job fails with the reason."""
    hub = world.hub
    hub.settings = Settings(database_url=database_url, intake_seconds=3)
    try:
        started = time.monotonic()
        job = intake.submit(hub, world.principals["bank-a"], pdf_inflating_to(8 * MIB), "spin.pdf", wait=True)
        assert time.monotonic() - started < 15
        state = intake.view(hub, world.principals["bank-a"], job)
        assert state["status"] == "failed" and "(intake_seconds" in state["error"], state
        normal = intake.submit(hub, world.principals["bank-a"], REPORT, "normal.txt", wait=True)
        assert intake.view(hub, world.principals["bank-a"], normal)["status"] == "done"
    finally:
        hub.close()


def test_pool_close_is_safe_while_idle() -> None:
    runner = IntakePool(PoolConfig(1, 1, 256, 5), lambda _job: True, lambda _job, _o: None)
    runner.close()
    assert intake.INTERRUPTED
