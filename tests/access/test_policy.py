"""The reference policy decision, rule by rule."""

from __future__ import annotations

import pytest

from lionrock.access.model import Audience, Release
from lionrock.access.policy import Visibility, can_see, check_release, producer_shown
from lionrock.errors import Invalid
from lionrock.stix.tlp import Tlp

READER = Visibility(org_id=7, group_ids=frozenset({3}))


def test_producer_always_sees_its_own() -> None:
    assert can_see(READER, Release(7, Tlp.RED, Audience(org_ids=frozenset({9}))))


def test_clear_is_public() -> None:
    assert can_see(READER, Release(1, Tlp.CLEAR, Audience(org_ids=frozenset({9}))))


@pytest.mark.parametrize(
    ("audience", "seen"),
    [
        (Audience(community=True), True),
        (Audience(group_ids=frozenset({3})), True),
        (Audience(group_ids=frozenset({4})), False),
        (Audience(org_ids=frozenset({7})), True),
        (Audience(org_ids=frozenset({8})), False),
    ],
)
def test_audience(audience: Audience, seen: bool) -> None:
    assert can_see(READER, Release(1, Tlp.AMBER, audience)) is seen


def test_outward_feeds_carry_clear_and_green_only() -> None:
    out = READER.outward()
    assert can_see(out, Release(1, Tlp.GREEN, Audience(community=True)))
    assert not can_see(out, Release(1, Tlp.AMBER, Audience(community=True)))
    assert not can_see(out, Release(7, Tlp.RED, Audience(org_ids=frozenset({7}))))


def test_red_goes_to_named_organisations_only() -> None:
    check_release(Tlp.RED, Audience(org_ids=frozenset({1})))
    for audience in (Audience(community=True), Audience(group_ids=frozenset({1}))):
        with pytest.raises(Invalid, match="TLP:RED"):
            check_release(Tlp.RED, audience)
    with pytest.raises(Invalid, match="audience"):
        check_release(Tlp.GREEN, Audience())


def test_anonymous_producer_hidden_from_others_not_from_itself() -> None:
    release = Release(7, Tlp.GREEN, Audience(community=True), anonymous=True)
    assert producer_shown(READER, release, "bank-a") == "bank-a"
    assert producer_shown(Visibility(8, frozenset()), release, "bank-a") == "anonymous"
