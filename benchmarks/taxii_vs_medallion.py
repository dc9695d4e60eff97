"""TAXII 2.1 throughput: lionrock against medallion (the OASIS reference server), same run.

Adds the same generated indicators to both over TAXII, then reads them all back page by page with
taxii2-client (the reference client). Prints objects/s and the ratio lionrock/medallion at 10,000
objects, and lionrock alone at the larger sizes.

    .venv/bin/python benchmarks/taxii_vs_medallion.py                 # 10k vs medallion, 100k, 1M
    .venv/bin/python benchmarks/taxii_vs_medallion.py --sizes 10000   # quick
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from taxii2client.v21 import Collection, as_pages

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _servers import (
    MEDALLION_COLLECTION,
    MEDALLION_PASSWORD,
    MEDALLION_USER,
    start_lionrock,
    start_medallion,
)
from lionrock.hub.collections import COMMUNITY_ID
from lionrock.stix.tlp import TLP2_MARKINGS, Tlp

GREEN = TLP2_MARKINGS[Tlp.GREEN]


def indicators(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = uuid.UUID(int=seed)
    for i in range(n):
        ts = "2026-01-01T00:00:00.000Z"
        yield {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid5(rng, str(i))}",
            "created": ts,
            "modified": ts,
            "name": f"generated indicator {i}",
            "indicator_types": ["malicious-activity"],
            "pattern": f"[ipv4-addr:value = '10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}']",
            "pattern_type": "stix",
            "valid_from": ts,
            "object_marking_refs": [GREEN],
        }


def add_all(collection: Collection, n: int, batch: int, seed: int) -> float:
    start = time.perf_counter()
    chunk: list[dict[str, Any]] = []
    for obj in indicators(n, seed):
        chunk.append(obj)
        if len(chunk) == batch:
            _add(collection, chunk)
            chunk = []
    if chunk:
        _add(collection, chunk)
    return time.perf_counter() - start


def _add(collection: Collection, chunk: list[dict[str, Any]]) -> None:
    status = collection.add_objects(json.dumps({"objects": chunk}), wait_for_completion=True, poll_interval=0.2)
    if status.success_count != len(chunk):
        raise RuntimeError(f"add failed: {status.failures[:3]}")


def read_all(collection: Collection, page: int) -> tuple[float, int, int]:
    start = time.perf_counter()
    seen: set[str] = set()
    total = 0
    for envelope in as_pages(collection.get_objects, per_request=page):
        objs = envelope.get("objects", [])
        total += len(objs)
        seen.update(o["id"] for o in objs)
    return time.perf_counter() - start, total, len(seen)


def measure(collection: Collection, n: int, batch: int, page: int, seed: int) -> tuple[float, float]:
    add_s = add_all(collection, n, batch, seed)
    read_s, total, distinct = read_all(collection, page)
    if total != n or distinct != n:
        raise RuntimeError(f"read back {total} objects ({distinct} distinct), expected {n} each exactly once")
    return n / add_s, n / read_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--batch", type=int, default=1000, help="objects per add request")
    parser.add_argument("--page", type=int, default=1000, help="objects per read page (both servers)")
    parser.add_argument("--database", default=None, help="lionrock database URL (default: fresh SQLite)")
    parser.add_argument("--medallion-size", type=int, default=10_000, help="0 skips medallion")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        m_add = m_read = 0.0
        if args.medallion_size:
            m_proc, m_base = start_medallion(work, args.page)
            try:
                m_col = Collection(
                    f"{m_base}/bench/collections/{MEDALLION_COLLECTION}/",
                    user=MEDALLION_USER,
                    password=MEDALLION_PASSWORD,
                )
                m_add, m_read = measure(m_col, args.medallion_size, args.batch, args.page, seed=1)
            finally:
                m_proc.terminate()
            print(
                f"medallion  {args.medallion_size:>9,} objects: add {m_add:10,.0f} obj/s   read {m_read:10,.0f} obj/s"
            )
        for size in args.sizes:
            run_dir = work / f"lionrock-{size}"
            run_dir.mkdir()
            proc, base, token = start_lionrock(run_dir, args.database)
            try:
                col = Collection(f"{base}/taxii2/api/collections/{COMMUNITY_ID}/", user="bench", password=token)
                add, read = measure(col, size, args.batch, args.page, seed=2)
            finally:
                proc.terminate()
            line = f"lionrock   {size:>9,} objects: add {add:10,.0f} obj/s   read {read:10,.0f} obj/s"
            if size == args.medallion_size and m_read:
                line += f"   ratio lionrock/medallion: add {add / m_add:5.1f}x  read {read / m_read:5.1f}x"
            print(line, flush=True)


if __name__ == "__main__":
    main()
