"""MITRE ATT&CK from a STIX bundle (2.0 or 2.1, .json or .json.gz): a technique catalogue for
mapping, and an upgrade of the bundle's objects to STIX 2.1 for the hub."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lionrock.intake.document import DocumentError


@dataclass(frozen=True)
class Technique:
    attack_id: str
    name: str
    stix_id: str
    parent_name: str | None = None

    @property
    def parent_id(self) -> str:
        return self.attack_id.split(".", 1)[0]


def load_bundle(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
        raise DocumentError(f"{path} is not a STIX bundle")
    objects: list[dict[str, Any]] = data["objects"]
    return objects


def attack_id_of(obj: dict[str, Any]) -> str | None:
    for ref in obj.get("external_references") or []:
        if ref.get("source_name") == "mitre-attack" and str(ref.get("external_id", "")).startswith("T"):
            return str(ref["external_id"])
    return None


def catalogue(objects: list[dict[str, Any]]) -> dict[str, Technique]:
    """Current (not revoked, not deprecated) techniques by ATT&CK id."""
    found: dict[str, Technique] = {}
    for obj in objects:
        if obj.get("type") != "attack-pattern" or obj.get("revoked") or obj.get("x_mitre_deprecated"):
            continue
        attack_id = attack_id_of(obj)
        if attack_id:
            found[attack_id] = Technique(attack_id, str(obj.get("name", attack_id)), str(obj["id"]))
    for attack_id, tech in list(found.items()):
        if "." in attack_id and tech.parent_id in found:
            found[attack_id] = Technique(attack_id, tech.name, tech.stix_id, found[tech.parent_id].name)
    return found


def upgrade_to_21(obj: dict[str, Any]) -> dict[str, Any]:
    """STIX 2.0 → 2.1 for what ATT&CK bundles hold: spec_version, malware/tool is_family."""
    # ATT&CK ships a few empty references ("") and empty lists, which STIX 2.1 forbids: drop them.
    out = {k: v for k, v in obj.items() if v != [] and not (k.endswith("_ref") and v == "")}
    out.setdefault("spec_version", "2.1")
    if out.get("type") == "malware":
        out.setdefault("is_family", True)
    if out.get("type") == "marking-definition":
        out.setdefault("created", "2017-06-01T00:00:00.000Z")
    return out
