"""JSON types and ranges of the STIX 2.1 properties the hub and its members rely on.

A `revoked: "yes"`, a sighting `count: true` or a `confidence: 1000` used to pass the boundary and
then mean something else to every reader (a truthy string revokes nothing in the matcher; `True` is
the integer 1 in Python). Each property named here is checked with one dict lookup and a type test,
so the check costs little on bulk feeds. Common properties are checked on every object, custom
types included; the rest only on the spec's own types, whose definitions we know.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

INT64_MAX = 2**63 - 1
_OPINIONS = frozenset({"strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"})


@dataclass(frozen=True)
class Kind:
    """What one property must hold: `json` names the JSON type; numbers carry a range, lists the
    type of their items, lists of objects the string properties each item needs."""

    json: str  # "boolean", "integer", "number", "string", "list", "object"
    low: float = 0
    high: float = 0
    items: str = ""  # "string" or "object", for lists
    needs: tuple[str, ...] = ()  # for lists of objects
    choices: frozenset[str] = frozenset()
    fits: type | None = None  # a value of exactly this Python type fits without further checks


BOOLEAN = Kind("boolean", fits=bool)
STRING = Kind("string", fits=str)
OBJECT = Kind("object", fits=dict)
STRINGS = Kind("list", items="string")
OBJECTS = Kind("list", items="object")


def integer(low: int, high: int) -> Kind:
    return Kind("integer", low, high)


def number(low: float, high: float) -> Kind:
    return Kind("number", low, high)


COMMON: dict[str, Kind] = {
    "revoked": BOOLEAN,
    "defanged": BOOLEAN,
    "confidence": integer(0, 100),
    "labels": STRINGS,
    "lang": STRING,
    "external_references": Kind("list", items="object", needs=("source_name",)),
    "granular_markings": OBJECTS,
    "extensions": OBJECT,
}

_SPEC_ONLY: dict[str, Kind] = {
    # booleans
    **dict.fromkeys(
        [
            "is_family",
            "is_multipart",
            "is_active",
            "summary",
            "is_hidden",
            "is_privileged",
            "is_service_account",
            "can_escalate_privs",
            "is_disabled",
            "is_self_signed",
        ],
        BOOLEAN,
    ),
    # integers and numbers, with the spec's ranges (or what fits a signed 64-bit integer)
    "count": integer(0, 999_999_999),
    "number_observed": integer(1, 999_999_999),
    "number": integer(0, 4_294_967_295),  # autonomous-system numbers are 32-bit
    "src_port": integer(0, 65_535),
    "dst_port": integer(0, 65_535),
    **dict.fromkeys(
        ["size", "src_byte_count", "dst_byte_count", "src_packets", "dst_packets", "number_of_subkeys"],
        integer(0, INT64_MAX),
    ),
    "pid": integer(-INT64_MAX - 1, INT64_MAX),
    "latitude": number(-90.0, 90.0),
    "longitude": number(-180.0, 180.0),
    "precision": number(0.0, float("inf")),
    # strings
    **dict.fromkeys(
        [
            "name",
            "description",
            "pattern",
            "pattern_type",
            "pattern_version",
            "relationship_type",
            "content",
            "abstract",
            "context",
            "product",
            "version",
            "value",
            "key",
            "path",
            "subject",
            "body",
            "account_login",
            "account_type",
            "user_id",
            "display_name",
            "cpe",
            "swid",
            "vendor",
            "serial_number",
            "issuer",
            "mime_type",
            "url",
            "payload_bin",
            "identity_class",
            "contact_information",
            "objective",
            "primary_motivation",
            "resource_level",
            "sophistication",
            "country",
            "region",
            "city",
            "street_address",
            "postal_code",
            "administrative_area",
            "result",
            "command_line",
            "definition_type",
            "message_id",
        ],
        STRING,
    ),
    "opinion": Kind("string", choices=_OPINIONS),
    # lists
    **dict.fromkeys(
        [
            "aliases",
            "roles",
            "sectors",
            "goals",
            "secondary_motivations",
            "personal_motivations",
            "indicator_types",
            "malware_types",
            "tool_types",
            "threat_actor_types",
            "infrastructure_types",
            "report_types",
            "capabilities",
            "architecture_execution_envs",
            "implementation_languages",
            "authors",
            "protocols",
            "languages",
            "extension_types",
            "extension_properties",
            "received_lines",
        ],
        STRINGS,
    ),
    "kill_chain_phases": Kind("list", items="object", needs=("kill_chain_name", "phase_name")),
    "values": OBJECTS,
    # objects
    **dict.fromkeys(
        ["definition", "contents", "hashes", "additional_header_fields", "ipfix", "environment_variables"],
        OBJECT,
    ),
}
SPEC: dict[str, Kind] = {**_SPEC_ONLY, **COMMON}


def shown(value: Any) -> str:
    """A value for a message: short strings quoted, long ones cut, anything else by its JSON type
    (never str() of an integer, which fails past 4,300 digits)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return _json_type(value)


def _json_type(value: Any) -> str:
    if value is True or value is False:
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


def _bound(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def kind_problem(prop: str, value: Any, kind: Kind) -> str | None:
    """Why `value` does not fit `kind`, naming the property; None when it fits."""
    json = kind.json
    if json == "string":
        if not isinstance(value, str):
            return f"{prop} must be a string, not {_json_type(value)}"
        if kind.choices and value not in kind.choices:
            return f"{prop} must be one of {', '.join(sorted(kind.choices))}"
    elif json == "boolean":
        if value is not True and value is not False:
            return f"{prop} must be true or false (a JSON boolean), not {_json_type(value)}"
    elif json == "integer":
        if type(value) is not int:
            return f"{prop} must be an integer, not {_json_type(value)}"
        if not kind.low <= value <= kind.high:
            return f"{prop} must be an integer from {_bound(kind.low)} to {_bound(kind.high)}"
    elif json == "number":
        if type(value) is not int and type(value) is not float:
            return f"{prop} must be a number, not {_json_type(value)}"
        if not kind.low <= value <= kind.high:
            if kind.high == float("inf"):
                return f"{prop} must be a number of at least {_bound(kind.low)}"
            return f"{prop} must be a number from {_bound(kind.low)} to {_bound(kind.high)}"
    elif json == "object":
        if not isinstance(value, dict):
            return f"{prop} must be a JSON object, not {_json_type(value)}"
    elif json == "list":
        return _list_problem(prop, value, kind)
    return None


def _list_problem(prop: str, value: Any, kind: Kind) -> str | None:
    if not isinstance(value, list):
        return f"{prop} must be a list, not {_json_type(value)}"
    if kind.items == "string":
        if not all(isinstance(item, str) for item in value):
            return f"{prop} must be a list of strings"
    elif kind.items == "object":
        for item in value:
            if not isinstance(item, dict):
                return f"{prop} must be a list of objects"
            for need in kind.needs:
                if not isinstance(item.get(need), str):
                    return f"each entry of {prop} needs {need} as a string"
    return None


def property_problems(obj: Mapping[str, Any], spec_type: bool) -> list[str]:
    """Type problems of an object's top-level properties (`spec_type`: a type the spec defines)."""
    table = SPEC if spec_type else COMMON
    found: list[str] = []
    for prop, value in obj.items():
        kind = table.get(prop)
        if kind is not None and type(value) is not kind.fits:
            problem = kind_problem(prop, value, kind)
            if problem is not None:
                found.append(problem)
    return found
