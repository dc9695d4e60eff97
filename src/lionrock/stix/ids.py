"""STIX identifiers, type classes and timestamps."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import UTC, datetime, timedelta
from functools import lru_cache

TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]\Z")
ID_RE = re.compile(
    r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--"
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)
TIMESTAMP_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z\Z", re.ASCII)

SDO_TYPES = frozenset(
    [
        "attack-pattern",
        "campaign",
        "course-of-action",
        "grouping",
        "identity",
        "incident",
        "indicator",
        "infrastructure",
        "intrusion-set",
        "location",
        "malware",
        "malware-analysis",
        "note",
        "observed-data",
        "opinion",
        "report",
        "threat-actor",
        "tool",
        "vulnerability",
    ]
)
SRO_TYPES = frozenset({"relationship", "sighting"})
SCO_TYPES = frozenset(
    [
        "artifact",
        "autonomous-system",
        "directory",
        "domain-name",
        "email-addr",
        "email-message",
        "file",
        "ipv4-addr",
        "ipv6-addr",
        "mac-addr",
        "mutex",
        "network-traffic",
        "process",
        "software",
        "url",
        "user-account",
        "windows-registry-key",
        "x509-certificate",
    ]
)
META_TYPES = frozenset({"marking-definition", "extension-definition", "language-content"})


def parse_timestamp(value: object) -> datetime | None:
    """A STIX timestamp (RFC 3339, UTC, 'Z') as an aware datetime, or None if malformed. A leap
    second (:60), which datetime cannot hold, reads as the last microsecond before it."""
    if not isinstance(value, str):
        return None
    m = TIMESTAMP_RE.match(value)
    if m is None:
        return None
    frac = m.group(7)
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    second = int(m.group(6))
    if second == 60:
        second, micro = 59, 999_999
    try:
        return datetime(
            int(m.group(1)),
            int(m.group(2)),
            int(m.group(3)),
            int(m.group(4)),
            int(m.group(5)),
            second,
            micro,
            tzinfo=UTC,
        )
    except ValueError:
        return None


# Year 0000 is refused: RFC 3339 allows it, but Python's datetime (and so every reader) cannot hold it.
_STRICT_TIMESTAMP_RE = re.compile(
    r"^(?!0000)\d{4}-(?:0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.(\d{1,9}))?Z\Z",
    re.ASCII,
)


def timestamp_key(value: object) -> str | None:
    """A sortable key for a well-formed STIX timestamp (None if malformed), without building a
    datetime: validation calls this several times per object on bulk paths."""
    if not isinstance(value, str):
        return None
    m = _STRICT_TIMESTAMP_RE.match(value)
    if m is None:
        return None
    if m.group(1) > "28" and int(m.group(1)) > monthrange(int(value[:4]), int(value[5:7]))[1]:
        return None
    return value[:19] + ((m.group(2) or "") + "000000000")[:9]


def format_timestamp_us(value: datetime) -> str:
    """Microsecond-precision STIX timestamp, for server-assigned date_added (keeps order exact)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def version_of(obj: dict[str, object]) -> str:
    """The version key TAXII uses: modified, else created, else '' for unversioned objects (SCOs)."""
    for key in ("modified", "created"):
        value = obj.get(key)
        if isinstance(value, str):
            return value
    return ""


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def us_to_timestamp(us: int) -> str:
    """Microseconds since the epoch (how the store keeps date_added) as a STIX timestamp."""
    seconds, micro = divmod(us, 1_000_000)
    return f"{_second_prefix(seconds)}.{micro:06d}Z"


@lru_cache(maxsize=1024)
def _second_prefix(seconds: int) -> str:
    return (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")


def timestamp_to_us(value: str) -> int | None:
    parsed = parse_timestamp(value)
    if parsed is None:
        return None
    delta = parsed - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
