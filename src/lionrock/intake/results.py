"""An extraction as plain JSON, computed once and stored; restored for review and drafting.

Re-extracting on every poll cost 30 s and 2.4 GB on a 9 MB text. The stored form keeps, for each
piece of evidence, the sentence it was found in, so review and the draft need neither the
document's text nor another extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lionrock.intake.document import Document
from lionrock.intake.draft import Extraction
from lionrock.intake.findings import Evidence, Finding
from lionrock.intake.techniques import TechniqueMatch

FORMAT = 1


@dataclass(frozen=True)
class KeptEvidence(Evidence):
    """Evidence whose sentence was cut from the document when it was read, kept without the document."""

    sentence: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        return self.sentence


def _evidence(items: list[Evidence]) -> list[dict[str, Any]]:
    return [e.as_dict() for e in items]


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "type": f.type,
        "value": f.value,
        "as_written": f.as_written,
        "flags": list(f.flags),
        "personal": f.personal,
        "evidence": _evidence(f.evidence),
    }


def to_json(ex: Extraction) -> dict[str, Any]:
    """Everything review and drafting need, as plain data."""
    doc = ex.document
    return {
        "format": FORMAT,
        "document_key": ex.key,
        "kind": doc.kind,
        "title": doc.title,
        "chars": len(doc.text),
        "pages": len(doc.page_starts),
        "indicators": [_finding(f) for f in ex.indicators],
        "personal": [_finding(f) for f in ex.personal],
        "techniques": [
            {
                "attack_id": t.attack_id,
                "name": t.name,
                "confidence": t.confidence,
                "stix_id": t.stix_id,
                "methods": sorted(t.methods),
                "evidence": _evidence(t.evidence),
            }
            for t in ex.techniques
        ],
    }


def _kept(items: list[dict[str, Any]]) -> list[Evidence]:
    return [KeptEvidence(int(e["page"]), int(e["start"]), int(e["end"]), "", str(e["text"])) for e in items]


def _restored(item: dict[str, Any]) -> Finding:
    return Finding(
        str(item["type"]),
        str(item["value"]),
        str(item["as_written"]),
        [str(flag) for flag in item["flags"]],
        _kept(item["evidence"]),
        bool(item["personal"]),
    )


def from_json(data: dict[str, Any]) -> Extraction:
    """The stored extraction, ready for Extraction.as_dict() and draft_bundle()."""
    if data.get("format") != FORMAT:
        raise ValueError(f"stored extraction format {data.get('format')!r} is not {FORMAT}")
    document = Document("", str(data["kind"]), title=data.get("title"))
    techniques = [
        TechniqueMatch(
            str(t["attack_id"]),
            str(t["name"]),
            float(t["confidence"]),
            str(t["stix_id"]),
            _kept(t["evidence"]),
            set(t["methods"]),
        )
        for t in data["techniques"]
    ]
    return Extraction(
        document,
        [_restored(f) for f in data["indicators"]],
        [_restored(f) for f in data["personal"]],
        techniques,
        document_key=str(data["document_key"]),
    )
