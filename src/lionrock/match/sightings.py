"""Hits → STIX 2.1 Sightings: one per indicator, with how often and when it was seen."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lionrock.match.scanner import Hit

MAX_COUNT = 999_999_999  # the STIX 2.1 upper bound for Sighting.count


@dataclass
class SightingCount:
    indicator_id: str
    count: int = 0
    first_seen: str | None = None
    last_seen: str | None = None

    def add(self, hit: Hit) -> None:
        self.count += 1
        if hit.timestamp:
            if self.first_seen is None or hit.timestamp < self.first_seen:
                self.first_seen = hit.timestamp
            if self.last_seen is None or hit.timestamp > self.last_seen:
                self.last_seen = hit.timestamp


def aggregate(hits: Iterable[Hit], into: dict[str, SightingCount] | None = None) -> dict[str, SightingCount]:
    counts = into if into is not None else {}
    for hit in hits:
        entry = counts.get(hit.indicator_id)
        if entry is None:
            entry = counts[hit.indicator_id] = SightingCount(hit.indicator_id)
        entry.add(hit)
    return counts


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def sighting_objects(
    counts: Iterable[SightingCount],
    *,
    marking_ref: str,
    sighted_by: str | None = None,
    now: str | None = None,
) -> list[dict[str, Any]]:
    """Sightings to publish. `sighted_by` (the reporting organisation's identity) goes into
    created_by_ref and where_sighted_refs; leave it None to report without naming anyone."""
    stamp = now or _now()
    out: list[dict[str, Any]] = []
    for entry in counts:
        obj: dict[str, Any] = {
            "type": "sighting",
            "spec_version": "2.1",
            "id": f"sighting--{uuid.uuid4()}",
            "created": stamp,
            "modified": stamp,
            "sighting_of_ref": entry.indicator_id,
            "count": min(entry.count, MAX_COUNT),
            "object_marking_refs": [marking_ref],
        }
        if entry.first_seen and entry.last_seen:
            obj["first_seen"] = entry.first_seen
            obj["last_seen"] = entry.last_seen
        if sighted_by:
            obj["created_by_ref"] = sighted_by
            obj["where_sighted_refs"] = [sighted_by]
        out.append(obj)
    return out
