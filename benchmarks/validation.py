"""Boundary validation throughput: lionrock's validator against the `stix2` library and
`stix2-validator`, on the same generated indicators, same run; then on observables (SCOs), whose
deterministic ids lionrock recomputes and the library computes when it parses them.

    .venv/bin/python benchmarks/validation.py [--count 20000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import stix2
from stix2validator import ValidationOptions, validate_instance

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lionrock.stix.sco_ids import deterministic_id
from lionrock.stix.validate import object_problems
from taxii_vs_medallion import indicators


def observables(n: int) -> list[dict[str, object]]:
    """IP addresses, domain names, URLs and files (with hashes), under their deterministic ids."""
    out: list[dict[str, object]] = []
    for i in range(n):
        kind = ("ipv4-addr", "domain-name", "url", "file")[i % 4]
        props: dict[str, object] = {
            "ipv4-addr": {"value": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"},
            "domain-name": {"value": f"host{i}.evil.example"},
            "url": {"value": f"https://host{i}.evil.example/login?id={i}"},
            "file": {"name": f"dropper{i}.exe", "hashes": {"SHA-256": f"{i:064x}", "MD5": f"{i:032x}"}},
        }[kind]
        obj: dict[str, object] = {"type": kind, "spec_version": "2.1", **props}
        out.append({**obj, "id": deterministic_id(obj)})
    return out


def rate(fn: object, objs: list[dict[str, object]]) -> float:
    start = time.perf_counter()
    for obj in objs:
        fn(obj)  # type: ignore[operator]
    return len(objs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20_000)
    args = parser.parse_args()
    objs = list(indicators(args.count, seed=7))
    peers = objs[: max(1, args.count // 20)]
    ours = rate(object_problems, objs)
    lib = rate(lambda o: stix2.parse(o, allow_custom=True), peers)
    options = ValidationOptions(version="2.1")
    validator = rate(lambda o: validate_instance(o, options), peers)
    print(f"lionrock validate   {ours:10,.0f} objects/s  ({len(objs):,} indicators)")
    print(f"stix2.parse         {lib:10,.0f} objects/s  ({len(peers):,})   lionrock/stix2: {ours / lib:5.1f}x")
    ratio = ours / validator
    print(f"stix2-validator     {validator:10,.0f} objects/s  ({len(peers):,})   lionrock/validator: {ratio:5.1f}x")
    scos = observables(args.count)
    sco_peers = scos[: max(1, args.count // 20)]
    ours_sco = rate(object_problems, scos)
    lib_sco = rate(lambda o: stix2.parse(o, allow_custom=True), sco_peers)
    print(f"lionrock validate   {ours_sco:10,.0f} objects/s  ({len(scos):,} observables, ids recomputed)")
    ratio = ours_sco / lib_sco
    print(f"stix2.parse         {lib_sco:10,.0f} objects/s  ({len(sco_peers):,})   lionrock/stix2: {ratio:5.1f}x")


if __name__ == "__main__":
    main()
