from __future__ import annotations

import pytest

from lionrock.stix.tlp import TLP1_MARKINGS, TLP2_MARKINGS, Tlp, tlp2_marking_object, tlp_of_markings
from lionrock.stix.validate import object_problems


@pytest.mark.parametrize("level", list(Tlp))
def test_tlp2_markings_map_back(level: Tlp) -> None:
    assert tlp_of_markings([TLP2_MARKINGS[level]]) is level
    assert object_problems(tlp2_marking_object(level)) == []


def test_tlp1_white_is_clear_and_strictest_wins() -> None:
    assert tlp_of_markings([TLP1_MARKINGS[Tlp.CLEAR]]) is Tlp.CLEAR
    assert tlp_of_markings([TLP1_MARKINGS[Tlp.GREEN], TLP2_MARKINGS[Tlp.RED]]) is Tlp.RED
    assert tlp_of_markings(["marking-definition--00000000-0000-4000-8000-000000000000"]) is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("TLP:WHITE", Tlp.CLEAR),
        ("amber+strict", Tlp.AMBER_STRICT),
        ("AMBER_STRICT", Tlp.AMBER_STRICT),
        ("Red", Tlp.RED),
    ],
)
def test_parse(text: str, level: Tlp) -> None:
    assert Tlp.parse(text) is level


def test_only_clear_and_green_leave_the_hub() -> None:
    assert [t for t in Tlp if t.leaves_hub] == [Tlp.CLEAR, Tlp.GREEN]
