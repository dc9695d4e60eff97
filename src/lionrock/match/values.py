"""Canonical forms of the values the matcher compares.

Indicator values and log values go through the same functions, so equality of canonical forms is
the match rule: IPs in their compressed text form, domains and e-mail addresses lower-case without
a trailing dot, hashes lower-case hex, URLs normalised as RFC 3986 section 6.2.2 says (scheme and
host case, default port, dot segments, percent-encoding of unreserved characters).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from enum import IntEnum
from urllib.parse import urlsplit


class Kind(IntEnum):
    """What a term compares against; stored as a byte in compiled sets."""

    IPV4 = 1
    IPV6 = 2
    CIDR4 = 3
    CIDR6 = 4
    DOMAIN = 5
    URL = 6
    EMAIL = 7
    HASH = 8


_HEX_LENGTHS = {32: "MD5", 40: "SHA-1", 64: "SHA-256", 128: "SHA-512"}
_HEX_RE = re.compile(r"^[0-9a-f]+$")
_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$")
_EMAIL_LOCAL_RE = re.compile(r"^[a-z0-9._%+!#$&'*/=?^`{|}~-]+$")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_NEEDS_ESCAPE_RE = re.compile(r"[\x00-\x20\x7f-\U0010ffff]")


class BadValue(ValueError):
    """The value is not a valid instance of its kind."""


def ipv4(text: str) -> str:
    try:
        return str(ipaddress.IPv4Address(text.strip()))
    except ValueError as exc:
        raise BadValue(f"not an IPv4 address: {text!r}") from exc


def ipv6(text: str) -> str:
    try:
        return ipaddress.IPv6Address(text.strip()).compressed
    except ValueError as exc:
        raise BadValue(f"not an IPv6 address: {text!r}") from exc


def ip_term(text: str) -> tuple[Kind, str]:
    """An address or a CIDR range, as (kind, canonical text); a /32 or /128 is an address."""
    text = text.strip()
    if "/" not in text and ":" not in text:
        try:  # the common case, ~10x faster than the ipaddress module
            return Kind.IPV4, socket.inet_ntop(socket.AF_INET, socket.inet_pton(socket.AF_INET, text))
        except OSError as exc:
            raise BadValue(f"not an IP address: {text!r}") from exc
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError as exc:
        raise BadValue(f"not an IP address or CIDR range: {text!r}") from exc
    if net.num_addresses == 1:
        addr = net.network_address
        return (Kind.IPV4, str(addr)) if net.version == 4 else (Kind.IPV6, addr.compressed)
    return (Kind.CIDR4 if net.version == 4 else Kind.CIDR6), net.with_prefixlen


def domain(text: str) -> str:
    name = text.strip().lower().rstrip(".")
    try:
        name = name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError as exc:
        raise BadValue(f"not a domain name: {text!r}") from exc
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        raise BadValue(f"not a domain name: {text!r}")
    if labels[-1].isdigit():
        raise BadValue(f"not a domain name (numeric top-level label): {text!r}")
    return name


def email(text: str) -> str:
    local, at, host = text.strip().lower().rpartition("@")
    if not at or not local or not _EMAIL_LOCAL_RE.match(local):
        raise BadValue(f"not an e-mail address: {text!r}")
    return f"{local}@{domain(host)}"


def file_hash(text: str) -> str:
    value = text.strip().lower()
    if len(value) not in _HEX_LENGTHS or not _HEX_RE.match(value):
        raise BadValue(f"not an MD5, SHA-1, SHA-256 or SHA-512 hex digest: {text!r}")
    return value


def _pct_normalise(part: str) -> str:
    """Decode escapes of unreserved characters, upper-case the rest, escape raw unsafe characters."""

    def fix(m: re.Match[str]) -> str:
        byte = int(m.group(1), 16)
        return chr(byte) if byte in _UNRESERVED else "%" + m.group(1).upper()

    part = _PCT_RE.sub(fix, part)
    return _NEEDS_ESCAPE_RE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), part)


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    out: list[str] = []
    for seg in path.split("/"):
        if seg == "..":
            if len(out) > 1:
                out.pop()
        elif seg != ".":
            out.append(seg)
    result = "/".join(out)
    if path.endswith(("/.", "/..")):
        result += "/"
    return result


def url(text: str) -> str:
    """RFC 3986 normal form; a URL without a scheme is taken as http://."""
    raw = text.strip()
    if "://" not in raw:
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise BadValue(f"not a URL: {text!r}") from exc
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if not scheme or not host:
        raise BadValue(f"not a URL: {text!r}")
    host = "[" + ipv6(host) + "]" if ":" in host else _pct_normalise(host).lower().rstrip(".")
    netloc = host
    if parts.username is not None:
        userinfo = parts.username + (":" + parts.password if parts.password is not None else "")
        netloc = _pct_normalise(userinfo) + "@" + host
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    path = _remove_dot_segments(_pct_normalise(parts.path)) or "/"
    result = f"{scheme}://{netloc}{path}"
    if parts.query:
        result += "?" + _pct_normalise(parts.query)
    return result  # the fragment never reaches a server, so it never appears in logs


def url_host(normal_url: str) -> str:
    """The host of a URL already in normal form (no userinfo, port or brackets)."""
    rest = normal_url.split("://", 1)[1]
    netloc = rest.split("/", 1)[0]
    host = netloc.rpartition("@")[2]
    if host.startswith("["):
        return host[1 : host.index("]")]
    return host.rsplit(":", 1)[0] if ":" in host else host


def guess(text: str) -> tuple[Kind, str]:
    """The kind and canonical form of a bare value from a plain indicator list."""
    value = text.strip()
    if not value:
        raise BadValue("empty value")
    if "://" in value:
        return Kind.URL, url(value)
    if "@" in value:
        return Kind.EMAIL, email(value)
    low = value.lower()
    if len(low) in _HEX_LENGTHS and _HEX_RE.match(low):
        return Kind.HASH, low
    try:
        return ip_term(value)
    except BadValue:
        pass
    if "/" in value:
        return Kind.URL, url(value)
    return Kind.DOMAIN, domain(value)
