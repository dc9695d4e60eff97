"""Fast STIX 2.1 validation at the hub's boundary.

The reference `stix2` library validates about 330 objects/s here; bulk feeds need tens of
thousands, so this module checks what the hub relies on (ids, required properties, timestamps,
reference types, pattern syntax, property types and ranges, SCO values, deterministic SCO ids) with
plain dict lookups. It must stay at least ten times faster than the library:
benchmarks/validation.py prints both figures. `stix2-validator` stays the oracle in the tests.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from lionrock.stix.ids import (
    ID_RE,
    META_TYPES,
    SCO_TYPES,
    SDO_TYPES,
    SRO_TYPES,
    TYPE_RE,
    timestamp_key,
)
from lionrock.stix.patterns import pattern_error
from lionrock.stix.property_types import property_problems, shown
from lionrock.stix.sco_ids import REGISTRY, NoDeterministicId, deterministic_id
from lionrock.stix.sco_values import sco_value_problems

_COMMON_SDO = ("spec_version", "id", "created", "modified")
REQUIRED: dict[str, tuple[str, ...]] = {
    "attack-pattern": ("name",),
    "campaign": ("name",),
    "course-of-action": ("name",),
    "grouping": ("context", "object_refs"),
    "identity": ("name",),
    "incident": ("name",),
    "indicator": ("pattern", "pattern_type", "valid_from"),
    "infrastructure": ("name",),
    "intrusion-set": ("name",),
    "location": (),
    "malware": ("is_family",),
    "malware-analysis": ("product",),
    "note": ("content", "object_refs"),
    "observed-data": ("first_observed", "last_observed", "number_observed"),
    "opinion": ("opinion", "object_refs"),
    "report": ("name", "published", "object_refs"),
    "threat-actor": ("name",),
    "tool": ("name",),
    "vulnerability": ("name",),
    "relationship": ("relationship_type", "source_ref", "target_ref"),
    "sighting": ("sighting_of_ref",),
    "marking-definition": ("spec_version", "id", "created"),
    "extension-definition": ("name", "schema", "version", "extension_types", "created_by_ref"),
    "language-content": ("object_ref", "contents"),
    "autonomous-system": ("number",),
    "directory": ("path",),
    "domain-name": ("value",),
    "email-addr": ("value",),
    "email-message": ("is_multipart",),
    "ipv4-addr": ("value",),
    "ipv6-addr": ("value",),
    "mac-addr": ("value",),
    "mutex": ("name",),
    "network-traffic": ("protocols",),
    "software": ("name",),
    "url": ("value",),
}
TIMESTAMP_PROPS = frozenset(
    [
        "created",
        "modified",
        "valid_from",
        "valid_until",
        "first_seen",
        "last_seen",
        "published",
        "first_observed",
        "last_observed",
        "start",
        "stop",
        "analysis_started",
        "analysis_ended",
        "submitted",
        "ctime",
        "mtime",
        "atime",
        "date",
        "created_time",
        "modified_time",
        "start_time",
        "stop_time",
        "end",
        "object_modified",
        "account_created",
        "account_expires",
        "credential_last_changed",
        "account_first_login",
        "account_last_login",
        "validity_not_before",
        "validity_not_after",
    ]
)
# Reference properties whose target type the spec fixes.
REF_TYPES: dict[str, frozenset[str]] = {
    "created_by_ref": frozenset({"identity"}),
    "object_marking_refs": frozenset({"marking-definition"}),
    "marking_ref": frozenset({"marking-definition"}),
    "where_sighted_refs": frozenset({"identity", "location"}),
    "observed_data_refs": frozenset({"observed-data"}),
    "sighting_of_ref": SDO_TYPES,
}


def _problems_in_refs(obj: Mapping[str, Any], depth: int = 0) -> Iterator[str]:
    for key, value in obj.items():
        if key.endswith("_ref"):
            if not isinstance(value, str) or ID_RE.match(value) is None:
                yield f"{key} must be a STIX identifier"
            elif key in REF_TYPES and value.split("--", 1)[0] not in REF_TYPES[key]:
                yield f"{key} may not point to a {value.split('--', 1)[0]}"
        elif key.endswith("_refs"):
            if not isinstance(value, list) or not value:
                yield f"{key} must be a non-empty list of STIX identifiers"
                continue
            allowed = REF_TYPES.get(key)
            for ref in value:
                if not isinstance(ref, str) or ID_RE.match(ref) is None:
                    yield f"{key} holds {shown(ref)}, which is not a STIX identifier"
                    break
                if allowed is not None and ref.split("--", 1)[0] not in allowed:
                    yield f"{key} may not point to a {ref.split('--', 1)[0]}"
                    break
        elif isinstance(value, dict) and depth < 4 and key != "contents":
            yield from _problems_in_refs(value, depth + 1)
        elif key == "granular_markings" and isinstance(value, list):
            for gm in value:
                if not isinstance(gm, dict) or "selectors" not in gm:
                    yield "granular_markings entries need selectors"
                else:
                    yield from _problems_in_refs(gm, depth + 1)


def object_problems(obj: object) -> list[str]:
    """Everything wrong with one STIX 2.1 object, as messages; empty when it is acceptable."""
    if not isinstance(obj, dict):
        return ["is not a JSON object"]
    otype = obj.get("type")
    if not isinstance(otype, str) or TYPE_RE.match(otype) is None:
        return ["type is missing or is not a valid STIX type name"]
    oid = obj.get("id")
    if not isinstance(oid, str):
        return ["id is missing"]
    m = ID_RE.match(oid)
    if m is None or m.group(1) != otype:
        return [f"id {shown(oid)} is not '{otype}--<uuid>'"]
    problems: list[str] = []
    known = otype in SDO_TYPES or otype in SRO_TYPES or otype in META_TYPES or otype in SCO_TYPES
    if otype in REGISTRY and oid[len(otype) + 16] == "5":
        problems.extend(_deterministic_id_problems(obj, otype, oid))
    needs_version = otype in SDO_TYPES or otype in SRO_TYPES or otype in ("extension-definition", "language-content")
    required = (_COMMON_SDO if needs_version else ()) + REQUIRED.get(otype, ())
    if not known and ("created" in obj or "modified" in obj):
        required = ("spec_version", "created", "modified")
    for prop in required:
        if prop not in obj:
            problems.append(f"required property {prop} is missing")
    spec = obj.get("spec_version")
    if spec is not None and spec != "2.1":
        problems.append(f"spec_version must be '2.1', not {shown(spec)}")
    keys: dict[str, str | None] = {}
    for prop in TIMESTAMP_PROPS.intersection(obj) if known else ("created", "modified"):
        if prop in obj:
            keys[prop] = timestamp_key(obj[prop])
            if keys[prop] is None:
                problems.append(f"{prop} is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z, year 0001 to 9999)")
    created, modified = keys.get("created"), keys.get("modified")
    if created and modified and modified < created:
        problems.append("modified is earlier than created")
    if [] in obj.values():
        problems.extend(f"{k} is an empty list (STIX forbids empty lists)" for k, v in obj.items() if v == [])
    problems.extend(_problems_in_refs(obj))
    problems.extend(property_problems(obj, known))
    if otype in SCO_TYPES:
        problems.extend(sco_value_problems(otype, obj))
    if otype == "indicator":
        problems.extend(_indicator_problems(obj, keys))
    elif otype == "malware" and obj.get("is_family") is True and "name" not in obj:
        problems.append("a malware family needs a name")
    elif otype == "marking-definition" and not ("definition" in obj or "extensions" in obj):
        problems.append("a marking-definition needs a definition or an extension")
    return problems


def _deterministic_id_problems(obj: Mapping[str, Any], otype: str, oid: str) -> Iterator[str]:
    """A UUIDv5 SCO id claims to be derived from the object's value: it must be, or anyone could
    post under the id of another value (another member's shared fact)."""
    try:
        expected = deterministic_id(obj)
    except NoDeterministicId as exc:
        yield f"id is a UUIDv5, but this {otype}'s deterministic id cannot be computed: {exc}"
        return
    if expected is None:
        contributing = ", ".join(REGISTRY[otype].contributing) or "none"
        yield (
            f"id is a UUIDv5, but this {otype} has none of its ID-contributing properties"
            f" ({contributing}); use a UUIDv4"
        )
    elif expected != oid:
        yield f"id is a UUIDv5 but not this {otype}'s deterministic id {expected} (STIX 2.1 section 2.9)"


def _indicator_problems(obj: Mapping[str, Any], keys: Mapping[str, str | None]) -> Iterator[str]:
    pattern = obj.get("pattern")
    if not isinstance(pattern, str):
        return
    if obj.get("pattern_type") == "stix":
        error = pattern_error(pattern)
        if error:
            yield f"pattern is not valid STIX patterning: {error}"
    valid_from, valid_until = keys.get("valid_from"), keys.get("valid_until")
    if valid_from and valid_until and valid_until <= valid_from:
        yield "valid_until must be later than valid_from"
