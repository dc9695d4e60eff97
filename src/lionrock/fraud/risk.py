"""The risk of one identifier, in the public's language: high / medium / low / no record.

One pure function, `assess`, over everything known about one identifier. The rules:

1. **Independent organisations count once.** Each reporting organisation contributes the weight of
   its strongest report, `confidence/100 * 0.5 ** (age / half-life)`; more reports from the same
   organisation never add to it.
2. **Recency decays per kind** with the half-lives in `HALF_LIFE_DAYS`: scam phone numbers and
   social accounts are discarded within weeks, mule accounts and wallets are reused for months.
   A report dated after `now` counts as new (age 0).
3. **False positives lower the weight**: each distinct organisation that saw the identifier in
   legitimate use halves it (`FALSE_POSITIVE_FACTOR`). They do not decay: the evidence that the
   identifier is legitimate does not weaken as the reports age.
4. **Levels**: `weight >= 1.5` from at least two organisations is high; `weight >= 0.6` medium;
   any weight above `0.05` low; otherwise no record. One organisation alone (weight at most 1)
   reaches medium at most.
5. **Disputes**: an open dispute caps the level at medium and marks the answer disputed; an upheld
   dispute removes every report dated on or before its resolution (reports filed after it count
   again); a withdrawn dispute changes nothing.

The levels are monotone: more independent organisations never lower the level, time passing never
raises it, and duplicates from one organisation never raise it beyond that organisation's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum

from lionrock.errors import Invalid
from lionrock.fraud.identifiers import Kind
from lionrock.fraud.vocab import Role, ScamType

HALF_LIFE_DAYS: dict[Kind, float] = {
    Kind.PHONE: 60,  # scam lines are rotated within weeks
    Kind.SOCIAL: 90,  # accounts are banned or renamed
    Kind.EMAIL: 120,
    Kind.FPS_ID: 270,  # an FPS id points at an account
    Kind.E_WALLET: 270,
    Kind.BANK_ACCOUNT: 365,  # mule accounts are used until frozen, often for months
    Kind.CRYPTO_WALLET: 540,  # wallets are cheap to keep and on-chain history never fades
}
FALSE_POSITIVE_FACTOR = 0.5
HIGH_WEIGHT, MEDIUM_WEIGHT, LOW_WEIGHT = 1.5, 0.6, 0.05
HIGH_MIN_ORGANISATIONS = 2


class Level(IntEnum):
    """Ordered: compare levels with < and >. `label` is the public's word."""

    NO_RECORD = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", " ")


class DisputeState(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the listing was wrong: it is removed
    WITHDRAWN = "withdrawn"  # the dispute was dropped: the listing stands


@dataclass(frozen=True)
class Report:
    organisation: str
    reported: datetime
    confidence: int  # 0-100
    scam_type: ScamType
    role: Role


@dataclass(frozen=True)
class FalsePositive:
    organisation: str
    seen: datetime


@dataclass(frozen=True)
class Dispute:
    state: DisputeState
    opened: datetime
    resolved: datetime | None = None  # set when upheld or withdrawn


@dataclass(frozen=True)
class Assessment:
    level: Level
    disputed: bool  # an open dispute: show 'disputed'
    organisations: int  # independent organisations whose reports still count
    latest: datetime | None  # the latest report that still counts
    weight: float  # decayed weight after false positives
    scam_types: tuple[ScamType, ...]
    roles: tuple[Role, ...]


def _decay(age_days: float, half_life: float) -> float:
    return float(0.5 ** (max(age_days, 0.0) / half_life))


def assess(
    kind: Kind,
    reports: Iterable[Report],
    false_positives: Iterable[FalsePositive],
    disputes: Iterable[Dispute],
    now: datetime,
) -> Assessment:
    """The risk of one identifier from its reports, false-positive sightings and disputes, at `now`."""
    if kind not in HALF_LIFE_DAYS:
        raise Invalid(f"risk is assessed for a normalised kind, not {kind.value!r}")
    half_life = HALF_LIFE_DAYS[kind]
    disputes = list(disputes)
    removed_until = max((d.resolved for d in disputes if d.state is DisputeState.UPHELD and d.resolved), default=None)
    live: list[Report] = []
    for report in reports:
        if not 0 <= report.confidence <= 100:
            raise Invalid(f"confidence must be 0 to 100, not {report.confidence}")
        if report.confidence > 0 and (removed_until is None or report.reported > removed_until):
            live.append(report)
    per_org: dict[str, float] = {}
    for report in live:
        w = report.confidence / 100 * _decay((now - report.reported).total_seconds() / 86400, half_life)
        per_org[report.organisation] = max(per_org.get(report.organisation, 0.0), w)
    fp_orgs = {fp.organisation for fp in false_positives}
    weight = sum(per_org.values()) * FALSE_POSITIVE_FACTOR ** len(fp_orgs)
    if weight >= HIGH_WEIGHT and len(per_org) >= HIGH_MIN_ORGANISATIONS:
        level = Level.HIGH
    elif weight >= MEDIUM_WEIGHT:
        level = Level.MEDIUM
    elif weight > LOW_WEIGHT:
        level = Level.LOW
    else:
        level = Level.NO_RECORD
    disputed = any(d.state is DisputeState.OPEN for d in disputes)
    if disputed:
        level = min(level, Level.MEDIUM)
    return Assessment(
        level=level,
        disputed=disputed,
        organisations=len(per_org) if level is not Level.NO_RECORD else 0,
        latest=max((r.reported for r in live), default=None) if level is not Level.NO_RECORD else None,
        weight=weight,
        scam_types=tuple(sorted({r.scam_type for r in live})) if level is not Level.NO_RECORD else (),
        roles=tuple(sorted({r.role for r in live})) if level is not Level.NO_RECORD else (),
    )
