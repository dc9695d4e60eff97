"""The presidio-research split: fixed by its seed, two disjoint halves covering every sentence."""

from __future__ import annotations

from benchmarks.pii import SPLIT_SEED, split


def test_the_split_is_fixed_disjoint_and_complete() -> None:
    tuning, held_out = split(1500)
    assert (tuning, held_out) == split(1500, SPLIT_SEED)
    assert len(tuning) == len(held_out) == 750 and not set(tuning) & set(held_out)
    assert sorted(tuning + held_out) == list(range(1500))
    assert split(1500, SPLIT_SEED + 1)[0] != tuning
