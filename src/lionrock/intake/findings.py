"""What extraction finds: typed values with the evidence for each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INDICATOR_TYPES = [
    "ipv4-addr",
    "ipv6-addr",
    "cidr",
    "domain-name",
    "url",
    "email-addr",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "cve",
    "asn",
    "registry-key",
    "bitcoin-address",
    "ethereum-address",
    "monero-address",
    "phone-number",
    "bank-account",
    "fps-id",
]
PERSONAL_TYPES = ("hkid", "card-number", "phone-number", "email-addr")


@dataclass(frozen=True)
class Evidence:
    page: int
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"page": self.page, "start": self.start, "end": self.end, "text": self.text}


@dataclass
class Finding:
    type: str
    value: str
    as_written: str
    flags: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    personal: bool = False

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "value": self.value}
        if not self.personal:
            out["as_written"] = self.as_written
            out["flags"] = sorted(set(self.flags))
        out["evidence"] = [e.as_dict() for e in self.evidence]
        return out
