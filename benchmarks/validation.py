"""Boundary validation throughput: lionrock's validator against the `stix2` library and
`stix2-validator`, on the same generated indicators, same run.

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
from lionrock.stix.validate import object_problems
from taxii_vs_medallion import indicators


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


if __name__ == "__main__":
    main()
