"""The risk score's rules, pinned: independent organisations, decay per kind, false positives,
disputes, and the properties the public relies on (monotone, fading, duplicates count once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lionrock.errors import Invalid
from lionrock.fraud.identifiers import Kind
from lionrock.fraud.risk import (
    HALF_LIFE_DAYS,
    Dispute,
    DisputeState,
    FalsePositive,
    Level,
    Report,
    assess,
)
from lionrock.fraud.vocab import Role, ScamType

NOW = datetime(2026, 11, 23, tzinfo=UTC)
H, M, L, N = Level.HIGH, Level.MEDIUM, Level.LOW, Level.NO_RECORD


def rep(org: str, days_ago: float = 0, confidence: int = 100, scam: ScamType = ScamType.INVESTMENT) -> Report:
    return Report(org, NOW - timedelta(days=days_ago), confidence, scam, Role.RECEIVING_ACCOUNT)


def fp(org: str) -> FalsePositive:
    return FalsePositive(org, NOW - timedelta(days=1))


def dispute(state: DisputeState, resolved_days_ago: float | None = None) -> Dispute:
    resolved = None if resolved_days_ago is None else NOW - timedelta(days=resolved_days_ago)
    return Dispute(state, NOW - timedelta(days=30), resolved)


TABLE = [
    # (case, kind, reports, false positives, disputes, level, disputed, organisations)
    ("nothing reported", Kind.BANK_ACCOUNT, [], [], [], N, False, 0),
    ("one organisation, certain, today", Kind.BANK_ACCOUNT, [rep("A")], [], [], M, False, 1),
    ("one organisation, five reports", Kind.BANK_ACCOUNT, [rep("A")] * 3 + [rep("A", 2)] * 2, [], [], M, False, 1),
    ("two organisations, certain, today", Kind.BANK_ACCOUNT, [rep("A"), rep("B")], [], [], H, False, 2),
    ("two organisations at 70", Kind.BANK_ACCOUNT, [rep("A", 0, 70), rep("B", 0, 70)], [], [], M, False, 2),
    ("three organisations at 60", Kind.BANK_ACCOUNT, [rep(o, 0, 60) for o in "ABC"], [], [], H, False, 3),
    ("one organisation at 50", Kind.BANK_ACCOUNT, [rep("A", 0, 50)], [], [], L, False, 1),
    ("a mule account a year on", Kind.BANK_ACCOUNT, [rep("A", 365)], [], [], L, False, 1),
    ("a mule account five years on", Kind.BANK_ACCOUNT, [rep("A", 5 * 365)], [], [], N, False, 0),
    ("a mule account two months on", Kind.BANK_ACCOUNT, [rep("A", 60)], [], [], M, False, 1),
    ("a scam phone two months on", Kind.PHONE, [rep("A", 60)], [], [], L, False, 1),
    ("two reporters of a phone, four months on", Kind.PHONE, [rep("A", 120), rep("B", 120)], [], [], L, False, 2),
    (
        "two reporters of a wallet, four months on",
        Kind.CRYPTO_WALLET,
        [rep("A", 120), rep("B", 120)],
        [],
        [],
        H,
        False,
        2,
    ),
    ("confidence 0 is no report", Kind.BANK_ACCOUNT, [rep("A", 0, 0), rep("B", 0, 0)], [], [], N, False, 0),
    ("a report dated tomorrow counts as new", Kind.PHONE, [rep("A", -1), rep("B", -1)], [], [], H, False, 2),
    ("one false positive halves", Kind.BANK_ACCOUNT, [rep("A"), rep("B")], [fp("X")], [], M, False, 2),
    ("false positives count per organisation", Kind.BANK_ACCOUNT, [rep("A"), rep("B")], [fp("X")] * 4, [], M, False, 2),
    ("two false-positive organisations", Kind.BANK_ACCOUNT, [rep("A"), rep("B")], [fp("X"), fp("Y")], [], L, False, 2),
    (
        "six false-positive organisations",
        Kind.BANK_ACCOUNT,
        [rep("A"), rep("B")],
        [fp(o) for o in "UVWXYZ"],
        [],
        N,
        False,
        0,
    ),
    (
        "open dispute caps at medium",
        Kind.BANK_ACCOUNT,
        [rep("A"), rep("B")],
        [],
        [dispute(DisputeState.OPEN)],
        M,
        True,
        2,
    ),
    ("open dispute on a low", Kind.BANK_ACCOUNT, [rep("A", 0, 50)], [], [dispute(DisputeState.OPEN)], L, True, 1),
    (
        "upheld dispute removes",
        Kind.BANK_ACCOUNT,
        [rep("A", 5), rep("B", 3)],
        [],
        [dispute(DisputeState.UPHELD, 1)],
        N,
        False,
        0,
    ),
    (
        "reports after an upheld dispute count again",
        Kind.BANK_ACCOUNT,
        [rep("A", 20), rep("A", 2), rep("B", 1)],
        [],
        [dispute(DisputeState.UPHELD, 10)],
        H,
        False,
        2,
    ),
    (
        "withdrawn dispute changes nothing",
        Kind.BANK_ACCOUNT,
        [rep("A"), rep("B")],
        [],
        [dispute(DisputeState.WITHDRAWN, 1)],
        H,
        False,
        2,
    ),
]


@pytest.mark.parametrize(("case", "kind", "reports", "fps", "disputes", "level", "disputed", "orgs"), TABLE)
def test_risk_table(
    case: str,
    kind: Kind,
    reports: list[Report],
    fps: list[FalsePositive],
    disputes: list[Dispute],
    level: Level,
    disputed: bool,
    orgs: int,
) -> None:
    got = assess(kind, reports, fps, disputes, NOW)
    assert (got.level, got.disputed, got.organisations) == (level, disputed, orgs), case


def test_factors_name_latest_report_scam_types_and_roles() -> None:
    reports = [rep("A", 10, scam=ScamType.ROMANCE), rep("B", 3), rep("B", 40, scam=ScamType.ROMANCE)]
    got = assess(Kind.BANK_ACCOUNT, reports, [], [], NOW)
    assert got.latest == NOW - timedelta(days=3)
    assert got.scam_types == (ScamType.INVESTMENT, ScamType.ROMANCE)
    assert got.roles == (Role.RECEIVING_ACCOUNT,)
    assert got.weight == pytest.approx(0.5 ** (10 / 365) + 0.5 ** (3 / 365))


def test_no_record_shows_no_factors() -> None:
    got = assess(Kind.BANK_ACCOUNT, [rep("A", 20)], [], [dispute(DisputeState.UPHELD, 1)], NOW)
    assert (got.level, got.latest, got.scam_types, got.roles, got.weight) == (N, None, (), (), 0)


def test_levels_read_as_the_public_reads_them() -> None:
    assert [lv.label for lv in Level] == ["no record", "low", "medium", "high"]


def test_a_phone_number_fades_faster_than_a_mule_account() -> None:
    assert HALF_LIFE_DAYS[Kind.PHONE] < HALF_LIFE_DAYS[Kind.BANK_ACCOUNT]
    old = [rep("A", 200), rep("B", 200)]
    assert assess(Kind.PHONE, old, [], [], NOW).level < assess(Kind.BANK_ACCOUNT, old, [], [], NOW).level


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(Invalid, match="confidence must be 0 to 100"):
        assess(Kind.PHONE, [rep("A", 0, 101)], [], [], NOW)
    with pytest.raises(Invalid, match="normalised kind"):
        assess(Kind.FPS, [rep("A")], [], [], NOW)


orgs = st.sampled_from("ABCDEF")
reports_st = st.lists(
    st.builds(
        rep,
        orgs,
        st.floats(min_value=0, max_value=3000, allow_nan=False),
        st.integers(0, 100),
        st.sampled_from(list(ScamType)),
    ),
    max_size=12,
)
kinds = st.sampled_from(sorted(HALF_LIFE_DAYS))
fps_st = st.lists(st.builds(fp, orgs), max_size=3)
disputes_st = st.lists(
    st.one_of(
        st.just(dispute(DisputeState.OPEN)),
        st.builds(dispute, st.just(DisputeState.UPHELD), st.floats(0, 3000, allow_nan=False)),
        st.builds(dispute, st.just(DisputeState.WITHDRAWN), st.floats(0, 3000, allow_nan=False)),
    ),
    max_size=2,
)


@given(kinds, reports_st, fps_st, disputes_st, st.floats(0, 3000, allow_nan=False), st.integers(1, 100))
def test_a_new_independent_organisation_never_lowers_the_level(
    kind: Kind, reports: list[Report], fps: list[FalsePositive], disputes: list[Dispute], age: float, confidence: int
) -> None:
    before = assess(kind, reports, fps, disputes, NOW)
    after = assess(kind, [*reports, rep("NEW", age, confidence)], fps, disputes, NOW)
    assert after.level >= before.level
    assert after.weight >= before.weight


@given(kinds, reports_st, fps_st, disputes_st, st.floats(0, 5000, allow_nan=False))
def test_time_passing_never_raises_the_level(
    kind: Kind, reports: list[Report], fps: list[FalsePositive], disputes: list[Dispute], later_days: float
) -> None:
    now = assess(kind, reports, fps, disputes, NOW)
    later = assess(kind, reports, fps, disputes, NOW + timedelta(days=later_days))
    assert later.level <= now.level
    assert later.weight <= now.weight + 1e-12


@given(kinds, reports_st)
def test_reports_from_one_organisation_weigh_as_its_strongest(kind: Kind, reports: list[Report]) -> None:
    one_org = [Report("A", r.reported, r.confidence, r.scam_type, r.role) for r in reports]
    together = assess(kind, one_org, [], [], NOW)
    singles = [assess(kind, [r], [], [], NOW) for r in one_org]
    assert together.level == max((s.level for s in singles), default=Level.NO_RECORD)
    assert together.level <= Level.MEDIUM
    assert together.weight == pytest.approx(max((s.weight for s in singles), default=0.0))
