"""A STIX object for people (pure: no web framework, no database): its TLP banner wording, the main
properties per type, a display title, and the difference between two versions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lionrock.access.classification import Classification, RecordKind, classify_record
from lionrock.stix.tlp import Tlp


def N_(message: str) -> str:
    """Marks a string for the catalogue (pybabel -k N_); translated where it is shown."""
    return message


@dataclass(frozen=True)
class TlpLook:
    """How a TLP level is shown: its label, a CSS class (FIRST colours on black) and what the
    reader may do with it, in the words of FIRST TLP 2.0."""

    label: str
    css: str
    meaning: str


TLP_LOOKS: dict[Tlp, TlpLook] = {
    Tlp.RED: TlpLook(
        "TLP:RED", "tlp-red", N_("For the eyes and ears of individual recipients only, no further disclosure.")
    ),
    Tlp.AMBER_STRICT: TlpLook(
        "TLP:AMBER+STRICT",
        "tlp-amber-strict",
        N_("Limited disclosure, recipients can only spread this on a need-to-know basis within their organisation."),
    ),
    Tlp.AMBER: TlpLook(
        "TLP:AMBER",
        "tlp-amber",
        N_(
            "Limited disclosure, recipients can only spread this on a need-to-know basis within their "
            "organisation and its clients."
        ),
    ),
    Tlp.GREEN: TlpLook(
        "TLP:GREEN", "tlp-green", N_("Limited disclosure, recipients can spread this within their community.")
    ),
    Tlp.CLEAR: TlpLook(
        "TLP:CLEAR", "tlp-clear", N_("Recipients can spread this to the world, there is no limit on disclosure.")
    ),
}


def tlp_look(tlp: str) -> TlpLook:
    try:
        return TLP_LOOKS[Tlp(tlp)]
    except ValueError:  # never stored, but a page must not break on it: the strictest reading
        return TLP_LOOKS[Tlp.RED]


CLASSIFICATION_LABELS: dict[Classification, str] = {
    Classification.PUBLIC: N_("public"),
    Classification.INTERNAL: N_("internal"),
    Classification.CONFIDENTIAL: N_("confidential"),
    Classification.RESTRICTED: N_("restricted"),
}


def classification_of(stix_type: str, tlp: str, *, personal_data: bool) -> Classification:
    """How carefully a version must be handled (docs/retention.md): its TLP, raised by personal data
    (pseudonyms in it), never below its kind's floor. An unreadable TLP reads as the strictest."""
    try:
        marking: Tlp | None = Tlp(tlp)
    except ValueError:
        marking = Tlp.RED
    kind = RecordKind.SIGHTING if stix_type == "sighting" else RecordKind.OBJECT
    return classify_record(kind, marking, personal_data=personal_data)


def title_of(obj: dict[str, Any]) -> str:
    """What a person calls an object: its name, value or pattern, else its type and id."""
    for key in ("name", "value", "pattern", "path", "number", "account_login", "user_id", "title"):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:300]
    if obj.get("type") == "relationship":
        return f"{obj.get('source_ref', '?')} {obj.get('relationship_type', '?')} {obj.get('target_ref', '?')}"
    hashes = obj.get("hashes")
    if isinstance(hashes, dict) and hashes:
        name, digest = next(iter(hashes.items()))
        return f"{name} {digest}"[:300]
    return str(obj.get("id", "?"))


@dataclass(frozen=True)
class Link:
    """An external reference: a link only when its URL is http(s), otherwise text."""

    text: str
    url: str | None


@dataclass(frozen=True)
class Prop:
    """One line of the definition list. `kind` tells the template how to show `value`: text,
    multiline, code, time, list, refs (STIX ids), links, json."""

    label: str
    kind: str
    value: Any


_LABELS: list[tuple[str, str, str]] = [  # (property, label, kind)
    ("name", N_("Name"), "text"),
    ("description", N_("Description"), "multiline"),
    ("pattern", N_("Pattern"), "code"),
    ("pattern_type", N_("Pattern type"), "text"),
    ("valid_from", N_("Valid from"), "time"),
    ("valid_until", N_("Valid until"), "time"),
    ("indicator_types", N_("Indicator types"), "list"),
    ("malware_types", N_("Malware types"), "list"),
    ("threat_actor_types", N_("Threat actor types"), "list"),
    ("report_types", N_("Report types"), "list"),
    ("aliases", N_("Aliases"), "list"),
    ("labels", N_("Labels"), "list"),
    ("kill_chain_phases", N_("Kill chain phases"), "list"),
    ("relationship_type", N_("Relationship type"), "text"),
    ("source_ref", N_("Source"), "refs"),
    ("target_ref", N_("Target"), "refs"),
    ("sighting_of_ref", N_("Sighting of"), "refs"),
    ("count", N_("Count"), "text"),
    ("first_seen", N_("First seen"), "time"),
    ("last_seen", N_("Last seen"), "time"),
    ("published", N_("Published"), "time"),
    ("value", N_("Value"), "code"),
    ("hashes", N_("Hashes"), "list"),
    ("is_family", N_("Malware family"), "text"),
    ("confidence", N_("Confidence"), "text"),
    ("created", N_("Created"), "time"),
    ("modified", N_("Modified"), "time"),
    ("revoked", N_("Revoked"), "text"),
    ("external_references", N_("External references"), "links"),
    ("object_refs", N_("Objects referred to"), "refs"),
]
_SKIPPED = {"id", "type", "spec_version", "object_marking_refs", "created_by_ref", "granular_markings", "extensions"}
_KNOWN = {p for p, _, _ in _LABELS} | _SKIPPED
MAX_REFS = 50


def _links(refs: object) -> list[Link]:
    out: list[Link] = []
    if not isinstance(refs, list):
        return out
    for ref in refs:
        if not isinstance(ref, dict):
            continue
        parts = [
            str(ref[k]) for k in ("source_name", "external_id", "description") if isinstance(ref.get(k), str | int)
        ]
        url = ref.get("url")
        link = url if isinstance(url, str) and _web_url(url) else None
        if isinstance(url, str) and link is None:
            parts.append(url)
        out.append(Link(" · ".join(parts) or (url if isinstance(url, str) else "?"), link))
    return out


def _web_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _listed(key: str, value: object) -> list[str]:
    if key == "kill_chain_phases" and isinstance(value, list):
        return [
            f"{p.get('kill_chain_name', '?')}: {p.get('phase_name', '?')}" if isinstance(p, dict) else as_json(p)
            for p in value
        ]
    if key == "hashes" and isinstance(value, dict):
        return [f"{name}: {digest}" for name, digest in value.items()]
    if isinstance(value, list):
        return [v if isinstance(v, str) else as_json(v) for v in value]
    return [as_json(value)]


def properties(obj: dict[str, Any]) -> list[Prop]:
    """The properties a person reads first, in a fixed order, then any others as JSON text."""
    props: list[Prop] = []
    for key, label, kind in _LABELS:
        if key not in obj:
            continue
        value = obj[key]
        if kind == "list":
            props.append(Prop(label, kind, _listed(key, value)))
        elif kind == "refs":
            refs = value if isinstance(value, list) else [value]
            props.append(Prop(label, kind, [str(r) for r in refs[:MAX_REFS]]))
        elif kind == "links":
            props.append(Prop(label, kind, _links(value)))
        elif kind in ("text", "multiline", "code", "time"):
            shown = value if isinstance(value, str) else as_json(value)
            props.append(Prop(label, kind, shown))
    for key in sorted(set(obj) - _KNOWN):
        value = obj[key]
        props.append(
            Prop(key, "text" if isinstance(value, str) else "json", value if isinstance(value, str) else as_json(value))
        )
    return props


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def pretty_json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False, indent=2)


@dataclass(frozen=True)
class Change:
    """One top-level property between two versions: added, removed or changed, values as JSON."""

    prop: str
    change: str
    before: str | None
    after: str | None


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed between two versions, property by property (top level), sorted by name."""
    changes: list[Change] = []
    for key in sorted(set(old) | set(new)):
        if key not in old:
            changes.append(Change(key, "added", None, as_json(new[key])))
        elif key not in new:
            changes.append(Change(key, "removed", as_json(old[key]), None))
        elif old[key] != new[key] or type(old[key]) is not type(new[key]):
            changes.append(Change(key, "changed", as_json(old[key]), as_json(new[key])))
    return changes
