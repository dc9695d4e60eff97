"""The risk history: one point per month, each what a check would have answered at that month's end:
levels rise as organisations report, fade as reports age, and a report counts only from its date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from lionrock.fraud.history import Point, month_ends, risk_history
from lionrock.fraud.identifiers import Kind
from lionrock.fraud.risk import Dispute, DisputeState, Level, Report
from lionrock.fraud.vocab import Role, ScamType

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def rep(org: str, when: datetime, confidence: int = 100) -> Report:
    return Report(org, when, confidence, ScamType.INVESTMENT, Role.RECEIVING_ACCOUNT)


def levels(points: list[Point]) -> dict[str, Level]:
    return {p.month: p.assessment.level for p in points}


def test_twelve_months_oldest_first_ending_now() -> None:
    ends = month_ends(NOW)
    assert [m for m, _ in ends] == [f"2025-{m:02d}" for m in (12,)] + [f"2026-{m:02d}" for m in range(1, 12)]
    assert ends[-1][1] == NOW
    # October ends at midnight Hong Kong time, 16:00 UTC on the 31st
    assert dict(ends)["2026-10"] == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert dict(ends)["2025-12"] == datetime(2025, 12, 31, 16, tzinfo=UTC)


def test_a_month_boundary_in_hong_kong_time_not_utc() -> None:
    # 2026-12-01 01:00 in Hong Kong is still November in UTC: the current month is December
    just_after = datetime(2026, 11, 30, 17, tzinfo=UTC)
    assert month_ends(just_after)[-1][0] == "2026-12"
    assert month_ends(just_after)[-2] == ("2026-11", datetime(2026, 11, 30, 16, tzinfo=UTC))


def test_levels_rise_as_organisations_report() -> None:
    reports = [rep("a", datetime(2026, 6, 10, tzinfo=UTC)), rep("b", datetime(2026, 9, 3, tzinfo=UTC))]
    history = levels(risk_history(Kind.BANK_ACCOUNT, reports, NOW))
    assert history["2026-05"] is Level.NO_RECORD  # before any report
    assert history["2026-06"] is Level.MEDIUM  # one bank alone reaches medium at most
    assert history["2026-08"] is Level.MEDIUM
    assert history["2026-09"] is Level.HIGH  # a second bank
    assert history["2026-11"] is Level.HIGH


def test_levels_fade_with_time() -> None:
    phone = [rep("a", datetime(2025, 12, 20, tzinfo=UTC)), rep("b", datetime(2025, 12, 21, tzinfo=UTC))]
    history = levels(risk_history(Kind.PHONE, phone, NOW))
    assert history["2025-12"] is Level.HIGH
    assert history["2026-03"] in (Level.MEDIUM, Level.LOW)  # a phone's half-life is 60 days
    assert history["2026-11"] is Level.NO_RECORD


def test_a_report_counts_from_its_own_date_only() -> None:
    late = rep("a", datetime(2026, 11, 1, tzinfo=UTC))
    history = risk_history(Kind.BANK_ACCOUNT, [late], NOW)
    assert all(p.assessment.level is Level.NO_RECORD for p in history[:-1])
    assert history[-1].assessment.level is Level.MEDIUM
    assert history[-1].assessment.latest == late.reported


def test_a_dispute_caps_the_months_it_was_open() -> None:
    reports = [rep("a", datetime(2026, 1, 5, tzinfo=UTC)), rep("b", datetime(2026, 1, 6, tzinfo=UTC))]
    withdrawn = Dispute(DisputeState.WITHDRAWN, datetime(2026, 4, 10, tzinfo=UTC), datetime(2026, 6, 10, tzinfo=UTC))
    points = risk_history(Kind.CRYPTO_WALLET, reports, NOW, disputes=[withdrawn])
    history = {p.month: p.assessment for p in points}
    assert history["2026-03"].level is Level.HIGH and not history["2026-03"].disputed
    assert history["2026-04"].level is Level.MEDIUM and history["2026-04"].disputed  # open then
    assert history["2026-06"].level is Level.HIGH and not history["2026-06"].disputed  # withdrawn


days = st.integers(min_value=0, max_value=900)


@given(st.lists(st.tuples(st.sampled_from("abcd"), days), max_size=8))
def test_without_new_reports_a_later_month_is_never_higher(found: list[tuple[str, int]]) -> None:
    # every report older than the whole window: only time passes within it
    start = NOW - timedelta(days=400)
    reports = [rep(org, start - timedelta(days=age)) for org, age in found]
    points = risk_history(Kind.E_WALLET, reports, NOW)
    for before, after in pairwise(points):
        assert after.assessment.level <= before.assessment.level
