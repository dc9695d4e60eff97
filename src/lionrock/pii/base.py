"""A Presidio recognizer driven by one regex and a validating function (Presidio's PatternRecognizer
scores every match before validation and cannot look at the text around it; ours can)."""

from __future__ import annotations

import re
from collections.abc import Callable

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# What the validator returns: the (start, end) span to report, or None to drop the candidate.
Validator = Callable[[str, "re.Match[str]"], "tuple[int, int] | None"]

CJK = re.compile(r"[\u3400-\u9fff]")


def cue_before(pattern: re.Pattern[str], text: str, start: int, width: int = 40) -> bool:
    """A cue word in the `width` characters before a span."""
    return pattern.search(text, max(0, start - width), start) is not None


def cue_near(pattern: re.Pattern[str], text: str, start: int, end: int, width: int = 40) -> bool:
    """A cue word in the `width` characters on either side of a span (the span itself excluded)."""
    return cue_before(pattern, text, start, width) or pattern.search(text, end, end + width) is not None


class RegexRecognizer(EntityRecognizer):
    """Candidates from one regex, kept only where `validate` says so."""

    def __init__(self, entity: str, name: str, pattern: re.Pattern[str], validate: Validator, score: float) -> None:
        self.pattern, self.validate, self.score = pattern, validate, score
        super().__init__(supported_entities=[entity], name=name, supported_language="en")

    def load(self) -> None:
        """Nothing to load: the regex is compiled at import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        out = []
        for m in self.pattern.finditer(text):
            span = self.validate(text, m)
            if span is not None:
                out.append(RecognizerResult(entity, span[0], span[1], self.score))
        return out
