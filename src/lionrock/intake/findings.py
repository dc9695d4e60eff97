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


def sentence_around(text: str, start: int, end: int, width: int = 300) -> str:
    """The sentence (or line) holding a span, whitespace collapsed, at most about 2 x width."""
    dot = text.rfind(". ", max(0, start - width), start)
    left = max(dot + 2 if dot >= 0 else 0, text.rfind("\n", max(0, start - width), start) + 1)
    left = max(left, start - width, 0)
    candidates = [i for i in (text.find(". ", end, end + width), text.find("\n", end, end + width)) if i >= 0]
    right = min(candidates) + 1 if candidates else min(len(text), end + width)
    return " ".join(text[left:right].split())


@dataclass(frozen=True)
class Evidence:
    """Where a finding was written. The sentence is cut from the document when it is read (most
    findings of a long report are never shown), so extraction keeps only offsets."""

    page: int
    start: int
    end: int
    source: str = field(repr=False, compare=False)

    @property
    def text(self) -> str:
        return sentence_around(self.source, self.start, self.end)

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
