"""An identifier's risk over time: the level at the end of each of the last months.

Each point is `risk.assess` over the reports dated up to that moment, evaluated at that moment, so
the history shows what a check would have answered then: levels rise when new organisations report
and fade as reports age. Months end at midnight Hong Kong time (UTC+8, no daylight saving); the
current month's point is `now` itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lionrock.fraud.identifiers import Kind
from lionrock.fraud.risk import Assessment, Dispute, DisputeState, FalsePositive, Report, assess

HK = timedelta(hours=8)
MONTHS = 12


@dataclass(frozen=True)
class Point:
    month: str  # YYYY-MM, Hong Kong time
    at: datetime  # the moment assessed (UTC): the end of that month, or now for the current one
    assessment: Assessment


def month_ends(now: datetime, months: int = MONTHS) -> list[tuple[str, datetime]]:
    """The last `months` months (oldest first), each with the instant it ends (UTC); the current
    month ends at `now`."""
    local = (now.astimezone(UTC) + HK).replace(tzinfo=None)
    year, month = local.year, local.month
    out: list[tuple[str, datetime]] = []
    for back in range(months):
        y, m = divmod(year * 12 + (month - 1) - back, 12)
        label = f"{y:04d}-{m + 1:02d}"
        if back == 0:
            out.append((label, now.astimezone(UTC)))
            continue
        ny, nm = divmod(y * 12 + m + 1, 12)
        end = datetime(ny, nm + 1, 1, tzinfo=UTC) - HK
        out.append((label, end))
    return out[::-1]


def risk_history(
    kind: Kind,
    reports: Iterable[Report],
    now: datetime,
    false_positives: Iterable[FalsePositive] = (),
    disputes: Iterable[Dispute] = (),
    months: int = MONTHS,
) -> list[Point]:
    """The level at the end of each of the last `months` months, oldest first. Only reports dated
    before a month's end count for it (false positives and disputes likewise, by their own dates)."""
    reports = list(reports)
    false_positives = list(false_positives)
    disputes = list(disputes)
    points = []
    for label, at in month_ends(now, months):
        known = [r for r in reports if r.reported <= at]
        seen = [f for f in false_positives if f.seen <= at]
        opened = [_as_of(d, at) for d in disputes if d.opened <= at]
        points.append(Point(label, at, assess(kind, known, seen, opened, at)))
    return points


def _as_of(d: Dispute, at: datetime) -> Dispute:
    """A dispute as it stood at `at`: open until it was resolved."""
    if d.resolved is not None and d.resolved > at:
        return Dispute(DisputeState.OPEN, d.opened, None)
    return d
