"""ATT&CK mapping, and the draft bundle (valid STIX, evidence, labels, redaction)."""

from __future__ import annotations

from functools import lru_cache

from stix2validator import ValidationOptions, validate_instance

from lionrock.intake.attack import Technique, catalogue, load_bundle, upgrade_to_21
from lionrock.intake.document import Document
from lionrock.intake.draft import REDACTED, draft_bundle, run_extraction
from lionrock.intake.readers import read_document
from lionrock.intake.techniques import Mapper
from lionrock.stix.validate import object_problems
from tests.conftest import shared

OPTIONS = ValidationOptions(version="2.1")
CREATED = "2026-11-22T00:00:00.000Z"


@lru_cache(maxsize=1)
def attack_mapper() -> Mapper:
    return Mapper.build(catalogue(load_bundle(shared("attack", "enterprise-attack-v18.1.json.gz"))))


def small_mapper() -> Mapper:
    techniques = {
        "T1059": Technique(
            "T1059", "Command and Scripting Interpreter", "attack-pattern--" + "1" * 8 + "-1111-4111-8111-" + "1" * 12
        ),
        "T1059.001": Technique(
            "T1059.001",
            "PowerShell",
            "attack-pattern--" + "2" * 8 + "-2222-4222-8222-" + "2" * 12,
            "Command and Scripting Interpreter",
        ),
        "T1583.004": Technique(
            "T1583.004",
            "Server",
            "attack-pattern--" + "3" * 8 + "-3333-4333-8333-" + "3" * 12,
            "Acquire Infrastructure",
        ),
    }
    return Mapper.build(techniques)


def test_mapping_by_name_keyword_and_id_with_evidence() -> None:
    text = "Page one.\n\nThe loader ran an encoded PowerShell command on the server. It also used T1059 directly."
    matches = {m.attack_id: m for m in small_mapper().map(Document(text, "text", (0, 11)))}
    assert set(matches) == {"T1059.001", "T1059"}  # 'server' is an ordinary word, not T1583.004
    ev = matches["T1059.001"].evidence[0]
    assert ev.page == 2 and text[ev.start : ev.end].lower() == "powershell"
    assert "encoded PowerShell command" in ev.text
    assert matches["T1059"].confidence > matches["T1059.001"].confidence > 0


def test_attack_v18_catalogue_and_upgrade() -> None:
    objects = load_bundle(shared("attack", "enterprise-attack-v18.1.json.gz"))
    techniques = catalogue(objects)
    assert len(techniques) > 600 and techniques["T1059.001"].name == "PowerShell"
    assert techniques["T1059.001"].parent_name == "Command and Scripting Interpreter"
    upgraded = [upgrade_to_21(o) for o in objects[:2000]]
    assert all(object_problems(o) == [] for o in upgraded)


def test_typical_report_maps_fast_and_finds_known_techniques() -> None:
    doc = read_document(shared("reports", "tram", "formats", "AA20-302A.pdf").read_bytes(), "a.pdf")
    found = {m.attack_id for m in attack_mapper().map(doc)}
    assert {"T1059.001", "T1486", "T1490"} <= found


def test_draft_bundle_is_valid_stix_with_evidence_and_labels() -> None:
    for name in ("AA20-302A.pdf", "AA20-302A.docx", "AA20-302A.html"):
        doc = read_document(shared("reports", "tram", "formats", name).read_bytes(), name)
        bundle = draft_bundle(run_extraction(doc, attack_mapper()), created=CREATED, name="AA20-302A")
        report = bundle["objects"][0]
        assert report["type"] == "report" and report["labels"] == ["machine-extracted", "unreviewed"]
        for obj in bundle["objects"]:
            assert validate_instance(obj, OPTIONS).is_valid, (name, obj["id"])
            assert object_problems(obj) == [], obj["id"]
        indicators = [o for o in bundle["objects"] if o["type"] == "indicator"]
        assert indicators and all(o["x_lionrock_evidence"] for o in indicators)
        notes = [o for o in bundle["objects"] if o["type"] == "note"]
        assert notes and all(o["object_refs"][0] in report["object_refs"] for o in notes)


def test_draft_is_stable_and_redacts_personal_data_unless_kept() -> None:
    text = "The victim's HKID A123456(3) was used. Scam calls from +852 6123 4567 to the victim A123456(3)."
    ex = run_extraction(Document(text, "text"))
    first = draft_bundle(ex, created=CREATED, name="t")
    assert first == draft_bundle(ex, created=CREATED, name="t")
    dumped = str(first)
    assert "A123456" not in dumped and REDACTED in dumped and "+85261234567" in dumped
    rejected = draft_bundle(ex, created=CREATED, name="t", rejected=frozenset({"phone-number:+85261234567"}))
    assert "+85261234567" not in str(rejected)
    kept = draft_bundle(ex, created=CREATED, name="t", keep_personal=frozenset({"A123456(3)"}))
    assert "A123456" in str(kept)
