"""Plausibility of the values SCOs carry: addresses, domain names, URLs, hashes.

An `ipv4-addr` whose value is "not-an-ip" reaches every member's matcher and blocklist export and
gets a deterministic id of its own; such values are refused at the boundary instead. The checks are
deliberately lenient where real feeds differ from the letter of the RFCs (underscores and
internationalised labels in domain names, unusual URL schemes), strict where the spec is (MAC
addresses), and skipped for SCOs marked `defanged`, whose values are written not to parse.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from lionrock.stix.property_types import shown
from lionrock.stix.sco_ids import spec_hash_name

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4_RE = re.compile(rf"^{_OCTET}(?:\.{_OCTET}){{3}}(?:/(?:3[0-2]|[12]?\d))?\Z", re.ASCII)
_DOMAIN_RE = re.compile(r"^(?:[\w-]{1,63}\.)*[\w-]{1,63}\.?\Z")
_MAC_RE = re.compile(r"^[0-9a-f]{2}(?::[0-9a-f]{2}){5}\Z")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SPACE_RE = re.compile(r"\s")
_HEX_LENGTHS = {"MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-512": 128, "SHA3-256": 64, "SHA3-512": 128}
_HEX_RE = re.compile(r"^[0-9a-fA-F]+\Z")
MAX_HASH_NAME = 250  # the spec's limit on dictionary keys


def _ipv4(value: str) -> bool:
    if _IPV4_RE.match(value) is not None:  # the common shape, without ipaddress's cost
        return True
    try:
        ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        return False
    return True


def _ipv6(value: str) -> bool:
    try:
        ipaddress.IPv6Network(value, strict=False)
    except ValueError:
        return False
    return True


def _domain(value: str) -> bool:
    return len(value.rstrip(".")) <= 253 and _DOMAIN_RE.match(value) is not None


def _email(value: str) -> bool:
    local, at, domain = value.partition("@")
    return bool(at and local and domain) and "@" not in domain and _SPACE_RE.search(value) is None


def _url(value: str) -> bool:
    if _SCHEME_RE.match(value) is None:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced '[' in the host
        return False
    return bool(parts.netloc or parts.path)


def _mac(value: str) -> bool:
    return _MAC_RE.match(value) is not None


_VALUE_CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "ipv4-addr": (_ipv4, "an IPv4 address or CIDR block"),
    "ipv6-addr": (_ipv6, "an IPv6 address or CIDR block"),
    "domain-name": (_domain, "a domain name (labels of letters, digits, '-' or '_', up to 63 each)"),
    "email-addr": (_email, "an e-mail address (one '@', no spaces)"),
    "url": (_url, "a URL with a scheme (such as https:)"),
    "mac-addr": (_mac, "a lower-case, colon-separated MAC-48 address such as 00:00:5e:00:53:af"),
}


def hashes_problems(prop: str, hashes: Mapping[str, Any]) -> Iterator[str]:
    """Problems of a `hashes` dictionary: names are short strings, values strings, and the fixed-length
    algorithms hold hex digits of their length."""
    if not hashes:
        yield f"{prop} must name at least one hash"
    for name, digest in hashes.items():
        if not name or len(name) > MAX_HASH_NAME:
            yield f"{prop} names must be 1 to {MAX_HASH_NAME} characters long"
        elif not isinstance(digest, str) or not digest:
            yield f"{prop}.{name} must be a non-empty string"
        else:
            length = _HEX_LENGTHS.get(spec_hash_name(name))
            if length is not None and (len(digest) != length or _HEX_RE.match(digest) is None):
                yield f"{prop}.{name} must be {length} hexadecimal digits"


def sco_value_problems(otype: str, obj: Mapping[str, Any]) -> Iterator[str]:
    """Problems of the values of the spec's SCO types (property types are checked elsewhere)."""
    hashes = obj.get("hashes")
    if isinstance(hashes, dict):
        yield from hashes_problems("hashes", hashes)
    if obj.get("defanged") is True:
        return
    check = _VALUE_CHECKS.get(otype)
    value = obj.get("value")
    if check is not None and isinstance(value, str) and not check[0](value):
        yield f"value {shown(value)} is not {check[1]}"
