"""Extraction results as stable JSON, and as a draft STIX 2.1 bundle to review and publish."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lionrock.intake.attack import Technique
from lionrock.intake.document import Document
from lionrock.intake.findings import Finding
from lionrock.intake.indicators import extract
from lionrock.intake.techniques import Mapper, TechniqueMatch
from lionrock.pii.pseudonyms import shown, substitute
from lionrock.stix.sco_ids import deterministic_id

DRAFT_NAMESPACE = uuid.UUID("5c0a2bd4-4e9c-4d5e-a3c2-8f1e6f0b7a55")
MACHINE_LABELS = ["machine-extracted", "unreviewed"]
_HASH_NAMES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512"}
# Hong Kong fraud observables and wallets: custom observable types in patterns.
_CUSTOM = {
    "phone-number": ("x-hk-phone-number", "value"),
    "bank-account": ("x-hk-bank-account", "account_number"),
    "fps-id": ("x-hk-fps-proxy", "value"),
    "bitcoin-address": ("x-crypto-wallet", "address"),
    "ethereum-address": ("x-crypto-wallet", "address"),
    "monero-address": ("x-crypto-wallet", "address"),
}
REDACTED = "[REDACTED]"


@dataclass
class Extraction:
    """Everything found in one document, in the order the JSON output gives it."""

    document: Document
    indicators: list[Finding]
    personal: list[Finding]
    techniques: list[TechniqueMatch] = field(default_factory=list)
    document_key: str | None = None
    """The SHA-256 of the document's text; given when the extraction is restored without its text."""

    @property
    def key(self) -> str:
        return self.document_key or hashlib.sha256(self.document.text.encode()).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicators": [f.as_dict() for f in self.indicators],
            "techniques": [t.as_dict() for t in self.techniques],
            "personal_data": [f.as_dict() for f in self.personal],
        }


def run_extraction(
    doc: Document, mapper: Mapper | None = None, publisher_domains: frozenset[str] = frozenset()
) -> Extraction:
    findings = extract(doc, publisher_domains)
    techniques = mapper.map(doc) if mapper else []
    return Extraction(doc, [f for f in findings if not f.personal], [f for f in findings if f.personal], techniques)


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _sco(kind: str, props: dict[str, Any]) -> dict[str, Any]:
    """An SCO under its STIX 2.1 deterministic id, the id any other hub gives the same value."""
    sco: dict[str, Any] = {"type": kind, "spec_version": "2.1", **props}
    return {"type": kind, "spec_version": "2.1", "id": deterministic_id(sco), **props}


def observable(finding: Finding) -> tuple[str, dict[str, Any] | None]:
    """(STIX pattern, SCO or None) for a finding."""
    t, v = finding.type, finding.value
    if t in ("ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"):
        return f"[{t}:value = '{_quote(v)}']", _sco(t, {"value": v})
    if t == "cidr":
        kind = "ipv6-addr" if ":" in v else "ipv4-addr"
        return f"[{kind}:value = '{_quote(v)}']", _sco(kind, {"value": v})
    if t in _HASH_NAMES:
        name = _HASH_NAMES[t]
        return f"[file:hashes.'{name}' = '{v}']", _sco("file", {"hashes": {name: v}})
    if t == "asn":
        number = int(v[2:])
        return f"[autonomous-system:number = {number}]", _sco("autonomous-system", {"number": number})
    if t == "registry-key":
        return f"[windows-registry-key:key = '{_quote(v)}']", _sco("windows-registry-key", {"key": v})
    if t in _CUSTOM:
        kind, prop = _CUSTOM[t]
        return f"[{kind}:{prop} = '{_quote(v)}']", None
    raise ValueError(f"no STIX form for {t}")


def _stable_id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(DRAFT_NAMESPACE, '|'.join(parts))}"


def _redact(text: str, secrets: Mapping[str, str]) -> str:
    return substitute(text, secrets)


def replacements(
    personal: list[Finding], keep_personal: frozenset[str], pseudonyms: Mapping[str, str] | None = None
) -> dict[str, str]:
    """What each personal value not kept is replaced by, as written and as normalised: its pseudonym
    (`[PHONE-…]`, the same in every document) where one is given, else the redaction mark."""
    given = pseudonyms or {}
    out: dict[str, str] = {}
    for p in personal:
        if p.value in keep_personal:
            continue
        mark = shown(given[p.value]) if p.value in given else REDACTED
        # evidence sentences have their whitespace collapsed: a value written across a line break too
        for needle in (p.as_written, " ".join(p.as_written.split()), p.value):
            if needle:
                out.setdefault(needle, mark)
    return out


def draft_bundle(
    ex: Extraction,
    *,
    created: str,
    name: str,
    keep_personal: frozenset[str] = frozenset(),
    rejected: frozenset[str] = frozenset(),
    edited: Mapping[str, str] | None = None,
    pseudonyms: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A draft bundle: a Report whose object_refs hold Indicators (with observables), Vulnerabilities
    and the ATT&CK attack-patterns, each carrying its evidence and the machine-extracted label.
    Personal data is left out and redacted from evidence unless kept (by value). `edited` maps a
    finding's key (`type:value` as extracted) to the value the analyst corrected it to. `pseudonyms`
    maps a personal value to its pseudonym id: the value is written as that pseudonym (in evidence, notes
    and the report's name) instead of the redaction mark."""
    doc_key = ex.key
    secrets = replacements(ex.personal, keep_personal, pseudonyms)
    common = {"spec_version": "2.1", "created": created, "modified": created}
    objects: list[dict[str, Any]] = []
    refs: list[str] = []
    corrections = edited or {}
    chosen = [
        replace(f, value=corrections.get(f"{f.type}:{f.value}", f.value))
        for f in ex.indicators
        if f"{f.type}:{f.value}" not in rejected
    ]
    firsts: dict[tuple[str, str], Finding] = {}
    for f in chosen:  # two findings corrected to one value make one indicator
        firsts.setdefault((f.type, f.value), f)
    chosen = list(firsts.values())
    chosen += [f for f in ex.personal if f.value in keep_personal and f.type in _CUSTOM | {"email-addr": 0}]
    for f in chosen:
        evidence = [{**e.as_dict(), "text": _redact(e.text, secrets)} for e in f.evidence]
        extra: dict[str, Any] = {
            "labels": MACHINE_LABELS,
            "x_lionrock_evidence": evidence,
            "x_lionrock_as_written": f.as_written,
        }
        if f.flags:
            extra["x_lionrock_flags"] = sorted(set(f.flags))
        if f.type == "cve":
            vuln = {
                "type": "vulnerability",
                "id": _stable_id("vulnerability", doc_key, f.value),
                **common,
                "name": f.value,
                "external_references": [{"source_name": "cve", "external_id": f.value}],
                **extra,
            }
            objects.append(vuln)
            refs.append(vuln["id"])
            continue
        pattern, sco = observable(f)
        indicator = {
            "type": "indicator",
            "id": _stable_id("indicator", doc_key, f.type, f.value),
            **common,
            "name": f"{f.type} {f.value}",
            "indicator_types": ["malicious-activity"],
            "pattern": pattern,
            "pattern_type": "stix",
            "valid_from": created,
            **extra,
        }
        objects.append(indicator)
        refs.append(indicator["id"])
        if sco is not None:
            objects.append(sco)
            refs.append(sco["id"])
            rel = {
                "type": "relationship",
                "id": _stable_id("relationship", indicator["id"], sco["id"]),
                **common,
                "relationship_type": "based-on",
                "source_ref": indicator["id"],
                "target_ref": sco["id"],
                "labels": MACHINE_LABELS,
            }
            objects.append(rel)
            refs.append(rel["id"])
    for t in ex.techniques:
        if f"technique:{t.attack_id}" in rejected:
            continue
        note = {
            "type": "note",
            "id": _stable_id("note", doc_key, t.attack_id),
            **common,
            "abstract": f"{t.attack_id} {t.name} (confidence {t.confidence:.2f})",
            "content": "\n".join(_redact(e.text, secrets) for e in t.evidence),
            "object_refs": [t.stix_id],
            "labels": MACHINE_LABELS,
            "x_lionrock_confidence": round(t.confidence, 2),
            "x_lionrock_evidence": [{**e.as_dict(), "text": _redact(e.text, secrets)} for e in t.evidence],
        }
        objects.append(note)
        refs += [t.stix_id, str(note["id"])]
    report = {
        "type": "report",
        "id": _stable_id("report", doc_key),
        **common,
        "name": _redact(name, secrets),
        "published": created,
        "report_types": ["threat-report"],
        "labels": MACHINE_LABELS,
        "object_refs": list(dict.fromkeys(refs)) or [_stable_id("note", doc_key, "empty")],
    }
    return {"type": "bundle", "id": _stable_id("bundle", doc_key, created), "objects": [report, *objects]}


__all__ = ["Extraction", "Technique", "draft_bundle", "observable", "replacements", "run_extraction"]
