"""Notes of a fraud report: victims' data is refused."""

from __future__ import annotations

import pytest

from lionrock.errors import Invalid
from lionrock.fraud.notes import check_notes, notes_problem
from lionrock.fraud.vocab import AmountBand, amount_band


@pytest.mark.parametrize(
    "notes",
    [
        "victim A123456(7) lost savings",
        "victim AB 123456 (A)",
        "hkid z6837521",
        "called the victim on 9123 4567",
        "victim phone +852-9123-4567",
        "card 4111 1111 1111 1111",
        "victim wrote from chan.tm@example.com",
        "ｖｉｃｔｉｍ ９１２３４５６７",
    ],
)
def test_personal_looking_notes_are_refused(notes: str) -> None:
    assert notes_problem(notes) is not None
    with pytest.raises(Invalid):
        check_notes(notes)


@pytest.mark.parametrize(
    "notes",
    [
        "fake trading app 'HK Gold Pro', victims told to top up via FPS",
        "loss HK$250,000 over 3 transfers",
        "",
        "2026-11-01",
        "between 1/11/2026 and 2026-11-03 10:00",
    ],
)
def test_ordinary_notes_pass(notes: str) -> None:
    assert check_notes(f"  {notes} ") == notes.strip()


def test_too_long_notes_are_refused() -> None:
    assert notes_problem("x" * 2001) is not None


def test_amount_bands() -> None:
    assert amount_band(" 100K-1M ") is AmountBand.FROM_100K
    with pytest.raises(Invalid, match="one of"):
        amount_band("lots")
