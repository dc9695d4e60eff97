"""STIX 2.1 deterministic identifiers for cyber-observable objects (SCOs, spec section 2.9).

Two hubs that see the same IP address must give it the same id, or federation and de-duplication
break, and a hub must be able to tell that an SCO's UUIDv5 id really is the id of its value. The id
is a UUIDv5 in the STIX namespace over the canonical JSON (RFC 8785) of the type's ID-contributing
properties, computed exactly as the `stix2` library computes it, down to its normalisations: hash
names (`sha256` counts as `SHA-256`), one hash chosen (MD5, SHA-1, SHA-256, SHA-512, else the
first given), timestamps re-written at the precision the library keeps. tests/stix/test_sco_ids.py
holds the library as the oracle for every type.

Extension-defined SCO types (Hong Kong bank accounts, phone numbers, FPS ids, ...) declare their
ID-contributing properties once, with `register_sco_type` (see docs/contributing.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from json.encoder import encode_basestring
from math import isfinite
from typing import Any

SCO_NAMESPACE_BYTES = bytes.fromhex("00abedb4aa42466c9c01fed23315a9b7")
MAX_DEPTH = 64  # nesting of contributing values (extensions): deeper is refused, not recursed into

_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]\Z")
# The hash names the spec's vocabulary fixes, by the algorithm the `stix2` library infers from a name.
_SPEC_HASH_NAMES = {
    "MD5": "MD5",
    "SHA1": "SHA-1",
    "SHA256": "SHA-256",
    "SHA512": "SHA-512",
    "SHA3256": "SHA3-256",
    "SHA3512": "SHA3-512",
    "SSDEEP": "SSDEEP",
    "TLSH": "TLSH",
}
_PREFERRED_HASHES = ("MD5", "SHA-1", "SHA-256", "SHA-512")
# Inside the spec's own extensions the library re-reads these as hashes and timestamps.
_SPEC_EXTENSIONS = frozenset(
    [
        "archive-ext",
        "ntfs-ext",
        "pdf-ext",
        "raster-image-ext",
        "windows-pebinary-ext",
        "http-request-ext",
        "icmp-ext",
        "socket-ext",
        "tcp-ext",
    ]
)
_NESTED_HASHES = frozenset({"hashes", "file_header_hashes"})
_TIMESTAMP_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z\Z", re.ASCII)


class NoDeterministicId(ValueError):
    """A contributing value cannot be written as canonical JSON (NaN, a huge integer, empty hashes,
    nested too deep)."""


def _utf16_key(key: object) -> bytes:
    if not isinstance(key, str):
        raise NoDeterministicId("object keys must be strings")
    return key.encode("utf-16-be", "surrogatepass")


@dataclass(frozen=True)
class ScoIdSpec:
    """How one SCO type's id is derived: its ID-contributing properties, and which of them are
    timestamps (re-written as the library keeps them)."""

    contributing: tuple[str, ...]
    timestamps: frozenset[str] = frozenset()
    # (property, its JSON key text) in canonical key order, worked out once per type
    canonical_order: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        order = tuple((p, encode_basestring(p) + ":") for p in sorted(self.contributing, key=_utf16_key))
        object.__setattr__(self, "canonical_order", order)


REGISTRY: dict[str, ScoIdSpec] = {
    "artifact": ScoIdSpec(("hashes", "payload_bin")),
    "autonomous-system": ScoIdSpec(("number",)),
    "directory": ScoIdSpec(("path",)),
    "domain-name": ScoIdSpec(("value",)),
    "email-addr": ScoIdSpec(("value",)),
    "email-message": ScoIdSpec(("from_ref", "subject", "body")),
    "file": ScoIdSpec(("hashes", "name", "parent_directory_ref", "extensions")),
    "ipv4-addr": ScoIdSpec(("value",)),
    "ipv6-addr": ScoIdSpec(("value",)),
    "mac-addr": ScoIdSpec(("value",)),
    "mutex": ScoIdSpec(("name",)),
    "network-traffic": ScoIdSpec(
        ("start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"),
        frozenset({"start", "end"}),
    ),
    "process": ScoIdSpec(()),  # no contributing properties: process ids are UUIDv4
    "software": ScoIdSpec(("name", "cpe", "swid", "vendor", "version")),
    "url": ScoIdSpec(("value",)),
    "user-account": ScoIdSpec(("account_type", "user_id", "account_login")),
    "windows-registry-key": ScoIdSpec(("key", "values")),
    "x509-certificate": ScoIdSpec(("hashes", "serial_number")),
}


def register_sco_type(sco_type: str, contributing: Iterable[str], timestamps: Iterable[str] = ()) -> None:
    """Declare an extension-defined SCO type's ID-contributing properties, as its extension
    definition states them. Registering the same declaration again is harmless; changing one would
    change the ids already issued, so it is refused."""
    if _TYPE_RE.match(sco_type) is None:
        raise ValueError(f"{sco_type!r} is not a valid STIX type name")
    spec = ScoIdSpec(tuple(contributing), frozenset(timestamps))
    if not all(isinstance(p, str) and p for p in spec.contributing) or not spec.timestamps <= set(spec.contributing):
        raise ValueError("contributing properties must be names, and timestamps a subset of them")
    known = REGISTRY.get(sco_type)
    if known is not None and known != spec:
        raise ValueError(f"{sco_type} is already registered with contributing properties {known.contributing}")
    REGISTRY[sco_type] = spec


def deterministic_id(obj: Mapping[str, Any]) -> str | None:
    """The STIX 2.1 id of this SCO, or None when its type has none: not registered, or none of its
    ID-contributing properties present (the spec then asks for a UUIDv4). Raises NoDeterministicId
    when a contributing value cannot be canonicalised."""
    otype = obj.get("type")
    spec = REGISTRY.get(otype) if isinstance(otype, str) else None
    if spec is None:
        return None
    out: list[str] = []
    for prop, key in spec.canonical_order:
        if prop not in obj:
            continue
        value = obj[prop]
        out.append("," + key if out else "{" + key)
        if isinstance(value, str) and prop not in spec.timestamps:
            out.append(encode_basestring(value))
            continue
        if prop == "hashes":
            value = _one_hash(value)
        elif prop in spec.timestamps:
            value = _library_timestamp(value, keep_fraction=True)
        elif prop == "extensions" and isinstance(value, dict):
            value = {k: _spec_extension(v) if k in _SPEC_EXTENSIONS else v for k, v in value.items()}
        _write(value, out, 1)
    if not out:
        return None
    out.append("}")
    return f"{otype}--{uuid5(''.join(out))}"


def uuid5(name: str) -> str:
    """uuid.uuid5(STIX SCO namespace, name) without the uuid module's per-call overhead."""
    h = hashlib.sha1(SCO_NAMESPACE_BYTES + name.encode("utf-8", "surrogatepass")).hexdigest()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


def canonical_json(value: Any) -> str:
    """RFC 8785 (JCS) text of a JSON value: keys sorted by UTF-16 code units, no whitespace,
    numbers as ECMAScript writes them; as the `stix2` library's canonicaliser writes it."""
    out: list[str] = []
    _write(value, out, 0)
    return "".join(out)


def _write(value: Any, out: list[str], depth: int) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif value is None:
        out.append("null")
    elif isinstance(value, int | float):
        out.append(es6_number(value))
    elif depth >= MAX_DEPTH:
        raise NoDeterministicId(f"value nested more than {MAX_DEPTH} deep")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out, depth + 1)
        out.append("]")
    elif isinstance(value, Mapping):
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(encode_basestring(key))
            out.append(":")
            _write(value[key], out, depth + 1)
        out.append("}")
    else:
        raise NoDeterministicId(f"{type(value).__name__} is not a JSON value")


def es6_number(value: float) -> str:
    """A JSON number as ECMAScript's Number.prototype.toString writes it (JCS); integers go
    through a double first, as in the reference canonicaliser."""
    try:
        number = float(value)
    except OverflowError as exc:
        raise NoDeterministicId("integer too large for a JSON number") from exc
    if not isfinite(number):
        raise NoDeterministicId("NaN and infinities are not JSON numbers")
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exponent, int)
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # the value is 0.<digits> x 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def spec_hash_name(name: str) -> str:
    """The spec's spelling of a hash algorithm name (`sha256` -> `SHA-256`); others unchanged."""
    return _SPEC_HASH_NAMES.get(name.replace("-", "").upper(), name)


def _spec_hashes(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return {spec_hash_name(k) if isinstance(k, str) else k: v for k, v in value.items()}


def _one_hash(value: Any) -> dict[str, Any]:
    hashes = _spec_hashes(value)
    if not isinstance(hashes, dict) or not hashes:
        raise NoDeterministicId("hashes must be a non-empty object")
    for name in _PREFERRED_HASHES:
        if name in hashes:
            return {name: hashes[name]}
    first = next(iter(hashes))
    return {first: hashes[first]}


def _library_timestamp(value: Any, keep_fraction: bool) -> Any:
    """A timestamp as the library writes it back: fraction without trailing zeros (or dropped)."""
    m = _TIMESTAMP_RE.match(value) if isinstance(value, str) else None
    if m is None:
        return value
    fraction = (m.group(2) or "").rstrip("0") if keep_fraction else ""
    return f"{m.group(1)}.{fraction}Z" if fraction else f"{m.group(1)}Z"


def _spec_extension(value: Any, depth: int = 0) -> Any:
    """A spec-defined extension as the library re-reads it: nested hash names normalised and the
    PE header timestamp kept to the second."""
    if depth > MAX_DEPTH:
        raise NoDeterministicId(f"value nested more than {MAX_DEPTH} deep")
    if isinstance(value, list):
        return [_spec_extension(v, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in _NESTED_HASHES:
            out[key] = _spec_hashes(item)
        elif key == "time_date_stamp":
            out[key] = _library_timestamp(item, keep_fraction=False)
        else:
            out[key] = _spec_extension(item, depth + 1)
    return out
