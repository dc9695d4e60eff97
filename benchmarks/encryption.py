"""What sealing object versions costs: publish and TAXII read throughput with `seal_objects` all against
off, measured in the same run on the same machine, and the time to rotate the objects' key for a million
objects.

Each mode gets a fresh SQLite hub (local key file). Bank A publishes bundles of indicators (TLP:GREEN,
to the community) through the hub's publish use case, as REST and TAXII do; bank B then reads every
object back with GET .../collections/community/objects/ page by page (the whole HTTP stack, in process).
Modes alternate over the rounds and the best round of each counts (the machine is shared).

Rotation: `keys rotate` re-wraps the data keys of the `objects` KEK, not the objects, so its cost is the
number of data keys. A million objects sealed at ROLL_EVERY (10,000) per data key take 100 of them; the
benchmark makes that many under the KEK and times `hub.keys.rotate`.

    PYTHONPATH=src python -m benchmarks.encryption                    # 20,000 objects, 3 rounds
    PYTHONPATH=src python -m benchmarks.encryption --objects 2000 --rounds 1
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from lionrock.access.model import Audience, OrgKind, Role
from lionrock.app import create_app
from lionrock.hub import Hub, keyring, object_seal
from lionrock.hub import keys as hub_keys
from lionrock.hub.members import add_org, authenticate, create_token
from lionrock.hub.publish import PublishRequest, publish
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from lionrock.store import keys as key_store
from lionrock.store.engine import read_transaction, write_transaction

TAXII = {"Accept": "application/taxii+json;version=2.1"}
COMMUNITY = "d99bfc02-0f8b-52da-b4cc-96dd7b476d77"
MILLION = 1_000_000


def indicators(count: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.UUID(int=n + 1, version=4)}",
            "created": "2026-01-01T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z",
            "name": f"bench {n} pay-hk phishing relay",
            "description": f"Seen relaying card-not-present fraud for campaign {n % 97}",
            "indicator_types": ["malicious-activity"],
            "pattern": f"[ipv4-addr:value = '10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}']",
            "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00.000Z",
        }
        for n in range(start, start + count)
    ]


def run_mode(seal: str, objects: int, bundle: int, work: Path) -> tuple[float, float]:
    """(objects published per second, objects read per second over TAXII) for one fresh hub."""
    settings = Settings(
        database_url=f"sqlite:///{work / 'hub.db'}",
        seal_objects=seal,
        key_file=str(work / "hub.keys"),
        audit_key_file=str(work / "audit-key"),
        page_size=1000,
    )
    hub = Hub.open(settings)
    try:
        for name in ("Bank A", "Bank B"):
            add_org(hub, name, OrgKind.BANK)
        writer = authenticate(hub, create_token(hub, "Bank A", Role.ANALYST).secret)
        reader = create_token(hub, "Bank B", Role.READER).secret
        payloads = [indicators(min(bundle, objects - s), s) for s in range(0, objects, bundle)]
        started = time.perf_counter()
        for objs in payloads:
            publish(hub, writer, PublishRequest(objs, Audience(community=True), Tlp.GREEN))
        published = objects / (time.perf_counter() - started)
        with TestClient(create_app(settings, hub)) as client:
            headers = {**TAXII, "Authorization": f"Bearer {reader}"}
            url = f"/taxii2/api/collections/{COMMUNITY}/objects/"
            started = time.perf_counter()
            seen, params = 0, {"limit": "1000"}
            while True:
                page = client.get(url, headers=headers, params=params).json()
                seen += len(page.get("objects", []))
                if not page.get("more"):
                    break
                params = {"limit": "1000", "next": page["next"]}
            read = seen / (time.perf_counter() - started)
        if seen != objects:
            raise SystemExit(f"{seal}: read {seen} objects back, published {objects}")
        return published, read
    finally:
        hub.close()


def rotation(work: Path) -> tuple[float, int]:
    """Seconds to rotate the objects KEK wrapping the data keys a million sealed objects need."""
    settings = Settings(
        database_url=f"sqlite:///{work / 'rot.db'}",
        key_file=str(work / "rot.keys"),
        audit_key_file=str(work / "rot-audit-key"),
    )
    hub = Hub.open(settings)
    try:
        wanted = math.ceil(MILLION / object_seal.ROLL_EVERY)
        with write_transaction(hub.engine) as conn:
            for _ in range(wanted):
                keyring.new_data_key(conn, hub, object_seal.PURPOSE)
        with read_transaction(hub.engine) as conn:
            kek = key_store.active_key(conn, object_seal.PURPOSE, None)
        assert kek is not None
        started = time.perf_counter()
        done = hub_keys.rotate(hub, kek.id, batch=500)
        return time.perf_counter() - started, done.rewrapped
    finally:
        hub.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=20_000)
    parser.add_argument("--bundle", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for seal in ("off", "all") if r % 2 == 0 else ("all", "off"):
                work = Path(tmp) / f"{seal}-{r}"
                work.mkdir()
                pub, read = run_mode(seal, args.objects, args.bundle, work)
                print(
                    f"round {r + 1} seal_objects={seal}: publish {pub:,.0f} objects/s, TAXII read {read:,.0f} objects/s"
                )
                old = best.get(seal, (0.0, 0.0))
                best[seal] = (max(old[0], pub), max(old[1], read))
        seconds, data_keys = rotation(Path(tmp))
    (clear_pub, clear_read), (sealed_pub, sealed_read) = best["off"], best["all"]
    print(f"best of {args.rounds}, {args.objects:,} indicators in bundles of {args.bundle}:")
    print(f"  off: publish {clear_pub:,.0f} objects/s, TAXII read {clear_read:,.0f} objects/s")
    print(f"  all: publish {sealed_pub:,.0f} objects/s, TAXII read {sealed_read:,.0f} objects/s")
    print(
        f"encryption: publish {sealed_pub / clear_pub:.2f}x, TAXII read {sealed_read / clear_read:.2f}x of clear; "
        f"rotation of {MILLION:,} objects {seconds:.2f} s ({data_keys} data keys re-wrapped)"
    )


if __name__ == "__main__":
    main()
