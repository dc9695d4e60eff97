"""What privacy costs: the plain fraud check against the private one, per check, over real HTTP.

A real server (uvicorn, SQLite) with --identifiers reported bank accounts (bulk-inserted with their
OPRF tags, as report_fraud would write them). Each round checks one value both ways, alternating
reported and unreported values: the plain check is one GET /api/v1/fraud/check; the private check
is the whole client (normalise, blind, POST evaluate, finalize, GET bucket, compare tags locally).
Prints p50/p99 of each and the ratio.

    .venv/bin/python benchmarks/fraud_private.py --identifiers 100000 --checks 400
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _servers import start_lionrock
from lionrock.cli.client import HubClient
from lionrock.cli.private_check import private_check
from lionrock.fraud import oprf
from lionrock.fraud.identifiers import normalise
from lionrock.fraud.private import oprf_input, prefix_of
from lionrock.hub import Hub
from lionrock.hub.fraud_index import prf_key
from lionrock.settings import Settings
from lionrock.store.engine import write_transaction
from lionrock.store.schema import fraud_prf_index, fraud_reports

BATCH = 5000


def account(i: int) -> str:
    """The i-th of a million distinct HSBC-shaped account numbers (3-6-3 digits)."""
    return f"004-{100 + i // 1_000_000:03d}-{i % 1_000_000:06d}-001"


def store_identifiers(url: str, n: int) -> None:
    hub = Hub.open(Settings(database_url=url))
    now = hub.clock()
    with write_transaction(hub.engine) as conn:
        key = prf_key(conn, hub.settings)
    for start in range(0, n, BATCH):
        reports, index = [], []
        for i in range(start, min(n, start + BATCH)):
            ident = normalise("bank-account", account(i))
            tag = oprf.evaluate(key, oprf_input(ident.id))
            reports.append(
                {
                    "identifier_id": ident.id,
                    "kind": ident.kind.value,
                    "value": ident.value,
                    "org_id": 1,
                    "scam_type": "investment",
                    "role": "receiving-account",
                    "reported": now - (i % 300) * 86_400_000_000,
                    "amount_band": None,
                    "confidence": 50 + i % 51,
                    "notes": None,
                    "created": now,
                }
            )
            index.append({"identifier_id": ident.id, "prefix": prefix_of(tag), "tag": tag})
        with write_transaction(hub.engine) as conn:
            conn.execute(fraud_reports.insert(), reports)
            conn.execute(fraud_prf_index.insert(), index)
    hub.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--identifiers", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'bench.db'}"
        os.environ["LIONROCK_FRAUD_PRIVATE_EVALUATIONS_PER_HOUR"] = str(10 * args.checks + 100)
        t0 = time.perf_counter()
        proc, base, token = start_lionrock(work, url)
        try:
            store_identifiers(url, args.identifiers)
            print(f"stored {args.identifiers} identifiers with their tags in {time.perf_counter() - t0:.1f} s")
            client = HubClient(base, token)
            plain: list[float] = []
            private: list[float] = []
            mismatches = 0
            for round_ in range(args.checks + 20):
                i = (round_ * 7919) % args.identifiers if round_ % 2 else args.identifiers + round_
                value = account(i)
                t = time.perf_counter()
                a = client.get_json("/api/v1/fraud/check", {"type": "bank-account", "value": value})
                t_plain = time.perf_counter() - t
                t = time.perf_counter()
                b = private_check(client, "bank-account", value)
                t_private = time.perf_counter() - t
                mismatches += a != b
                if round_ >= 20:  # the first rounds warm connections and caches
                    plain.append(t_plain * 1000)
                    private.append(t_private * 1000)
        finally:
            proc.terminate()
            proc.wait(10)
    p50, p50_plain = statistics.median(private), statistics.median(plain)
    print(f"plain check:   p50 {p50_plain:.2f} ms  p99 {percentile(plain, 99):.2f} ms  ({len(plain)} checks)")
    print(f"private check: p50 {p50:.2f} ms  p99 {percentile(private, 99):.2f} ms  (evaluate + bucket + finalize)")
    print(f"answers that differed between the two: {mismatches}")
    print(
        f"fraud private check: p50 {p50:.2f} ms (plain {p50_plain:.2f} ms, {p50 / p50_plain:.1f}× ) "
        f"over {args.identifiers} identifiers"
    )


if __name__ == "__main__":
    main()
