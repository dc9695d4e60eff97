"""Small STIX object factories for tests."""

from __future__ import annotations

import uuid
from typing import Any

from lionrock.stix.tlp import TLP2_MARKINGS, Tlp

T0 = "2026-01-01T00:00:00.000Z"


def new_id(kind: str) -> str:
    return f"{kind}--{uuid.uuid4()}"


def marked(obj: dict[str, Any], tlp: Tlp | None) -> dict[str, Any]:
    """The object with a TLP 2.0 marking, or as it is when no level is given."""
    return {**obj, "object_marking_refs": [TLP2_MARKINGS[tlp]]} if tlp is not None else obj


def indicator(value: str = "198.51.100.7", tlp: Tlp | None = None, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": new_id("indicator"),
        "created": T0,
        "modified": T0,
        "name": f"bad {value}",
        "indicator_types": ["malicious-activity"],
        "pattern": f"[ipv4-addr:value = '{value}']",
        "pattern_type": "stix",
        "valid_from": T0,
    }
    obj.update(extra)
    return marked(obj, tlp)


def malware(name: str = "PearlDrop", tlp: Tlp | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "malware",
        "spec_version": "2.1",
        "id": new_id("malware"),
        "created": T0,
        "modified": T0,
        "name": name,
        "is_family": True,
    }
    return marked(obj, tlp)


def relationship(source: str, target: str, tlp: Tlp | None = None, rtype: str = "indicates") -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": new_id("relationship"),
        "created": T0,
        "modified": T0,
        "relationship_type": rtype,
        "source_ref": source,
        "target_ref": target,
    }
    return marked(obj, tlp)


def sighting(of: str, tlp: Tlp | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": new_id("sighting"),
        "created": T0,
        "modified": T0,
        "sighting_of_ref": of,
        "count": 3,
    }
    return marked(obj, tlp)


def newer(obj: dict[str, Any], modified: str) -> dict[str, Any]:
    return {**obj, "modified": modified}
