"""Which identifiers found in records are hits: decided by a checker's answer for each distinct one.

A `Checker` takes (kind, canonical value) pairs and returns one answer per pair, in order, shaped
like the hub's check (`risk`, `organisations`, `scam_types`, …). The plain checker posts them to
the hub's batch check; a private (OPRF) checker can take its place without changing anything here.
Each distinct identifier is checked once, in chunks, as the read goes on: memory holds the answers
(one per distinct identifier) and a bounded queue of occurrences waiting for theirs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lionrock.errors import LionrockError
from lionrock.fraud.records import Found

Answer = Mapping[str, Any]
Checker = Callable[[Sequence[tuple[str, str]]], Sequence[Answer]]
RISK_LEVELS = ("no record", "low", "medium", "high")  # in order
CHUNK = 1000  # the hub's batch limit
MAX_WAITING = 10_000  # occurrences held while their identifiers wait to be checked


class BadAnswer(LionrockError):
    """The checker answered something other than one known risk level per identifier asked."""


@dataclass(frozen=True)
class Hit:
    found: Found
    answer: Answer

    @property
    def risk(self) -> str:
        return str(self.answer["risk"])


@dataclass
class HitStats:
    checked: int = 0  # distinct identifiers asked about
    hits: int = 0  # occurrences that are hits
    by_risk: Counter[str] = field(default_factory=Counter)  # risk level -> distinct identifiers


def risk_rank(level: str) -> int:
    try:
        return RISK_LEVELS.index(level)
    except ValueError:
        raise BadAnswer(f"unknown risk level {level!r}; expected one of {', '.join(RISK_LEVELS)}") from None


class HitFinder:
    """Feed it occurrences in file order; it yields the hits in the same order."""

    def __init__(self, checker: Checker, min_risk: str = "low", chunk: int = CHUNK) -> None:
        self.checker = checker
        self.threshold = max(risk_rank(min_risk), 1)  # 'no record' is never a hit
        self.chunk = chunk
        self.answers: dict[str, Answer] = {}
        self.pending: dict[str, Found] = {}  # identifier id -> its first occurrence, to be checked
        self.waiting: list[Found] = []
        self.stats = HitStats()

    def _hit(self, found: Found) -> Hit | None:
        answer = self.answers[found.id]
        if risk_rank(str(answer.get("risk"))) < self.threshold:
            return None
        self.stats.hits += 1
        return Hit(found, answer)

    def _flush(self) -> Iterator[Hit]:
        asked = list(self.pending.values())
        self.pending.clear()
        if asked:
            answers = self.checker([(f.identifier.kind.value, f.identifier.value) for f in asked])
            if len(answers) != len(asked):
                raise BadAnswer(f"the checker answered {len(answers)} of {len(asked)} identifiers")
            for found, answer in zip(asked, answers, strict=True):
                level = str(answer.get("risk"))
                risk_rank(level)
                self.answers[found.id] = answer
                self.stats.checked += 1
                self.stats.by_risk[level] += 1
        waiting, self.waiting = self.waiting, []
        for found in waiting:
            if hit := self._hit(found):
                yield hit

    def feed(self, found: Found) -> Iterator[Hit]:
        ident = found.id
        if not self.waiting and ident in self.answers:
            if hit := self._hit(found):
                yield hit
            return
        if ident not in self.answers:
            self.pending.setdefault(ident, found)
        self.waiting.append(found)
        if len(self.pending) >= self.chunk or len(self.waiting) >= MAX_WAITING:
            yield from self._flush()

    def finish(self) -> Iterator[Hit]:
        yield from self._flush()

    def run(self, occurrences: Iterable[Found]) -> Iterator[Hit]:
        for found in occurrences:
            yield from self.feed(found)
        yield from self.finish()
