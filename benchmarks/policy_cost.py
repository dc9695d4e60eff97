"""What the write-side policy costs: publish and TAXII read throughput, this tree against a baseline
revision (before the policy governed writes), measured in the same run on the same machine.

Each variant gets a fresh SQLite hub and a real uvicorn server started from its own source tree
(the baseline is checked out with `git worktree`). Bank A publishes bundles of indicators over
REST to the community; bank B then reads every object back over TAXII, page by page.

    .venv/bin/python benchmarks/policy_cost.py                       # baseline 9c701b8, 50 x 200
    .venv/bin/python benchmarks/policy_cost.py --bundles 20 --size 100
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _servers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
TAXII = "application/taxii+json;version=2.1"
COMMUNITY = "d99bfc02-0f8b-52da-b4cc-96dd7b476d77"
SETUP = """
import sys
from lionrock.access.model import OrgKind, Role
from lionrock.hub import Hub
from lionrock.hub.members import add_org, create_token
from lionrock.settings import Settings
hub = Hub.open(Settings(database_url=sys.argv[1]))
for name in ("Bank A", "Bank B"):
    add_org(hub, name, OrgKind.BANK)
print(create_token(hub, "Bank A", Role.ANALYST).secret)
print(create_token(hub, "Bank B", Role.READER).secret)
hub.close()
"""


def bundles(count: int, size: int) -> list[dict[str, Any]]:
    out = []
    for b in range(count):
        objs = []
        for i in range(size):
            n = b * size + i
            objs.append(
                {
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": f"indicator--{uuid.UUID(int=n + 1, version=4)}",
                    "created": "2026-01-01T00:00:00.000Z",
                    "modified": "2026-01-01T00:00:00.000Z",
                    "name": f"bench {n}",
                    "indicator_types": ["malicious-activity"],
                    "pattern": f"[ipv4-addr:value = '10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}']",
                    "pattern_type": "stix",
                    "valid_from": "2026-01-01T00:00:00.000Z",
                    "object_marking_refs": [GREEN],
                }
            )
        out.append({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objs})
    return out


def run_variant(src: Path, work: Path, payload: list[dict[str, Any]]) -> tuple[float, float]:
    """(objects published per second, objects read per second over TAXII)."""
    url = f"sqlite:///{work / 'hub.db'}"
    env = {**os.environ, "PYTHONPATH": str(src), "LIONROCK_DATABASE_URL": url}
    env["LIONROCK_MAX_CONTENT_LENGTH"] = str(64 << 20)
    setup = subprocess.run([sys.executable, "-c", SETUP, url], env=env, capture_output=True, text=True, check=True)
    writer, reader = setup.stdout.split()
    port = free_port()
    log = work / "server.log"
    cmd = [sys.executable, "-m", "lionrock.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/", proc, log)
        with httpx.Client(base_url=base, timeout=120) as client:
            started = time.perf_counter()
            for bundle in payload:
                body = {"bundle": bundle, "tlp": "green", "audience": {"community": True}}
                r = client.post("/api/v1/bundles", json=body, headers={"Authorization": f"Bearer {writer}"})
                if r.status_code != 201:
                    raise RuntimeError(f"{src}: {r.status_code} {r.text[:300]} {log.read_text()[-1500:]}")
            published = sum(len(b["objects"]) for b in payload) / (time.perf_counter() - started)
            headers = {"Authorization": f"Bearer {reader}", "Accept": TAXII}
            started = time.perf_counter()
            seen, params = 0, {"limit": "1000"}
            while True:
                page = client.get(f"/taxii2/api/collections/{COMMUNITY}/objects/", params=params, headers=headers)
                page.raise_for_status()
                env_ = page.json()
                seen += len(env_.get("objects", []))
                if not env_.get("more"):
                    break
                params = {"limit": "1000", "next": env_["next"]}
            read = seen / (time.perf_counter() - started)
            assert seen == sum(len(b["objects"]) for b in payload), seen
    finally:
        proc.terminate()
        proc.wait(10)
    return published, read


def baseline_tree(rev: str, where: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), rev], check=True, capture_output=True
    )
    return where / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="9c701b8", help="git revision before the write-side policy")
    parser.add_argument("--bundles", type=int, default=50)
    parser.add_argument("--size", type=int, default=200, help="indicators per bundle")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs per variant; the best is kept")
    args = parser.parse_args()
    payload = bundles(args.bundles, args.size)
    with tempfile.TemporaryDirectory() as tmp:
        base_src = baseline_tree(args.baseline, Path(tmp) / "baseline")
        try:
            results: dict[str, list[tuple[float, float]]] = {"baseline": [], "now": []}
            for r in range(args.rounds):
                for name, src in (("baseline", base_src), ("now", ROOT / "src")):
                    work = Path(tmp) / f"{name}-{r}"
                    work.mkdir()
                    results[name].append(run_variant(src, work, payload))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(Path(tmp) / "baseline")])
    best = {k: (max(p for p, _ in v), max(q for _, q in v)) for k, v in results.items()}
    total = args.bundles * args.size
    print(f"{total} indicators in {args.bundles} bundles; best of {args.rounds} alternating runs")
    print(f"{'':10} {'publish obj/s':>14} {'TAXII read obj/s':>17}")
    for name in ("baseline", "now"):
        print(f"{name:10} {best[name][0]:14.0f} {best[name][1]:17.0f}")
    pub = best["now"][0] / best["baseline"][0]
    read = best["now"][1] / best["baseline"][1]
    print(f"policy cost: publish {pub:.2f}x of baseline, TAXII read {read:.2f}x of baseline (limit: 0.90x)")


if __name__ == "__main__":
    main()
