"""Publishing while bad tokens flood the hub: publish rate with and without the flood, audit rows written.

A real server (uvicorn, SQLite): one member publishes one-indicator bundles back to back for
--seconds; then again while --flooders processes send requests with random bad tokens from the same
address, each at most --rate requests/s (0: as fast as it can). Before the failed-login throttle
every bad token wrote an audit row inside its own write transaction.

    .venv/bin/python benchmarks/login_flood.py --seconds 10 --rate 100
"""

from __future__ import annotations

import argparse
import multiprocessing
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from multiprocessing import Process, Queue
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _servers import start_lionrock

T0 = "2026-01-01T00:00:00.000Z"


def bundle(i: int) -> dict[str, object]:
    indicator = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": T0,
        "modified": T0,
        "name": f"flood {i}",
        "pattern": f"[ipv4-addr:value = '198.51.{i // 250 % 250}.{i % 250}']",
        "pattern_type": "stix",
        "valid_from": T0,
    }
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [indicator]}


def publish_for(base: str, token: str, seconds: float) -> float:
    """Bundles published per second by one client."""
    done, end = 0, time.perf_counter() + seconds
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        start = time.perf_counter()
        while time.perf_counter() < end:
            r = c.post("/api/v1/bundles", json={"bundle": bundle(done), "tlp": "green"})
            r.raise_for_status()
            done += 1
        return done / (time.perf_counter() - start)


def flood(base: str, rate: float, stop: EventType, out: Queue[Counter[int]]) -> None:
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=base, timeout=60) as c:
        start, sent = time.perf_counter(), 0
        while not stop.is_set():
            r = c.get("/api/v1/me", headers={"Authorization": f"Bearer lr_{secrets.token_urlsafe(32)}"})
            statuses[r.status_code] += 1
            sent += 1
            if rate and (ahead := start + sent / rate - time.perf_counter()) > 0:
                time.sleep(ahead)
    out.put(statuses)


def failed_login_rows(db: Path) -> int:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        n = int(conn.execute(text("SELECT count(*) FROM audit WHERE action = 'login.failed'")).scalar_one())
    engine.dispose()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--flooders", type=int, default=2)
    parser.add_argument("--rate", type=float, default=0, help="requests/s per flooder (0: unpaced)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        proc, base, token = start_lionrock(workdir)
        try:
            quiet = publish_for(base, token, args.seconds)
            before = failed_login_rows(workdir / "bench.db")
            stop, out = multiprocessing.Event(), multiprocessing.Queue()
            procs = [Process(target=flood, args=(base, args.rate, stop, out)) for _ in range(args.flooders)]
            for p in procs:
                p.start()
            flooded = publish_for(base, token, args.seconds)
            stop.set()
            statuses: Counter[int] = sum((out.get() for _ in procs), Counter())
            for p in procs:
                p.join()
            written = failed_login_rows(workdir / "bench.db") - before
        finally:
            proc.terminate()
            proc.wait(10)
    bad = sum(statuses.values())
    print(f"publish alone:        {quiet:8.1f} bundles/s")
    print(f"publish under flood:  {flooded:8.1f} bundles/s  ({flooded / quiet:.0%} of alone)")
    print(f"bad-token requests:   {bad:8d} in {args.seconds:.0f} s  {dict(sorted(statuses.items()))}")
    print(f"login.failed rows:    {written:8d}  (summaries of still-open windows are written later)")


if __name__ == "__main__":
    main()
