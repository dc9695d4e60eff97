"""The reference policy decision, rule by rule."""

from __future__ import annotations

import pytest

from lionrock.access.markings import claimed_tlp, fixed_definition_problem, governing_tlp
from lionrock.access.model import Audience, OrgKind, Principal, Release, Role
from lionrock.access.policy import (
    Visibility,
    can_see,
    check_audience,
    check_may_version,
    check_release,
    outward_visibility_for,
    producer_shown,
    sighting_counts_shown,
    visibility_for,
)
from lionrock.errors import Forbidden, Invalid
from lionrock.stix.tlp import TLP2_MARKINGS, Tlp, tlp2_marking_object


def principal(org_id: int, groups: frozenset[int] = frozenset()) -> Principal:
    return Principal(org_id, f"org-{org_id}", OrgKind.BANK, Role.ANALYST, groups)


READER = visibility_for(principal(7, frozenset({3})))


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
    out = outward_visibility_for(principal(7, frozenset({3})))
    assert can_see(out, Release(1, Tlp.GREEN, Audience(community=True)))
    assert not can_see(out, Release(1, Tlp.AMBER, Audience(community=True)))
    assert not can_see(out, Release(7, Tlp.RED, Audience(org_ids=frozenset({7}))))


def test_visibility_is_made_only_by_the_policy() -> None:
    with pytest.raises(TypeError):
        Visibility(7, frozenset())


def test_red_goes_to_named_organisations_only() -> None:
    check_release(Tlp.RED, Audience(org_ids=frozenset({1})))
    for audience in (Audience(community=True), Audience(group_ids=frozenset({1}))):
        with pytest.raises(Invalid, match="TLP:RED"):
            check_release(Tlp.RED, audience)
    with pytest.raises(Invalid, match="audience"):
        check_release(Tlp.GREEN, Audience())


def test_publishers_address_only_their_own_groups() -> None:
    check_audience(principal(7, frozenset({3})), Audience(group_ids=frozenset({3})))
    with pytest.raises(Forbidden):
        check_audience(principal(7, frozenset({3})), Audience(group_ids=frozenset({4})))


def test_anonymous_producer_hidden_from_others_not_from_itself() -> None:
    release = Release(7, Tlp.GREEN, Audience(community=True), anonymous=True)
    assert producer_shown(READER, release, "bank-a") == "bank-a"
    assert producer_shown(visibility_for(principal(8)), release, "bank-a") == "anonymous"


def test_a_record_under_someone_elses_id_is_shown_to_its_producer_only() -> None:
    shadow = Release(1, Tlp.CLEAR, Audience(community=True), owner_record=False)
    assert not can_see(READER, shadow)
    assert can_see(visibility_for(principal(1)), shadow)


def test_sightings_are_seen_by_reporter_and_owner_of_what_was_sighted_only() -> None:
    s = Release(1, Tlp.CLEAR, Audience(community=True), sighting=True, sighted_owner_org_id=7)
    assert can_see(READER, s)
    assert can_see(visibility_for(principal(1)), s)
    assert not can_see(visibility_for(principal(8)), s)


def test_sighting_counts_go_to_the_owner_or_to_three_organisations() -> None:
    assert sighting_counts_shown(7, 7, frozenset({1}))
    assert not sighting_counts_shown(8, 7, frozenset({1, 2}))
    assert sighting_counts_shown(8, 7, frozenset({1, 2, 3}))


def test_only_the_owner_versions_a_visible_object_and_hidden_ids_are_not_refused() -> None:
    assert check_may_version(principal(7), None, False) is True
    assert check_may_version(principal(7), 7, True) is True
    assert check_may_version(principal(7), 1, False) is False  # stored as the caller's own record
    with pytest.raises(Forbidden, match="belongs to another organisation"):
        check_may_version(principal(7), 1, True)


def test_granular_markings_make_the_strictest_tlp_govern_the_whole_object() -> None:
    obj = {
        "object_marking_refs": [TLP2_MARKINGS[Tlp.CLEAR]],
        "granular_markings": [{"marking_ref": TLP2_MARKINGS[Tlp.RED], "selectors": ["description"]}],
    }
    assert governing_tlp(obj, None, set()) is Tlp.RED
    assert governing_tlp(obj, Tlp.GREEN, set()) is Tlp.RED


def test_request_tlp_never_lowers_the_objects_own_marking() -> None:
    obj = {"object_marking_refs": [TLP2_MARKINGS[Tlp.AMBER]]}
    assert governing_tlp(obj, Tlp.CLEAR, set()) is Tlp.AMBER
    assert governing_tlp(obj, Tlp.RED, set()) is Tlp.RED


def test_custom_marking_alone_fails_closed_but_statements_restrict_nothing() -> None:
    custom = "marking-definition--11111111-2222-4333-8444-555555555555"
    assert not isinstance(governing_tlp({"object_marking_refs": [custom]}, Tlp.CLEAR, set()), Tlp)
    assert governing_tlp({"object_marking_refs": [custom]}, Tlp.GREEN, {custom}) is Tlp.GREEN
    both = {"object_marking_refs": [custom, TLP2_MARKINGS[Tlp.AMBER]]}
    assert governing_tlp(both, None, set()) is Tlp.AMBER


def test_tlp_definitions_cannot_be_redefined() -> None:
    red = tlp2_marking_object(Tlp.RED)
    assert claimed_tlp(red) is Tlp.RED
    assert fixed_definition_problem(red) is None
    forged = tlp2_marking_object(Tlp.CLEAR) | {"id": TLP2_MARKINGS[Tlp.RED]}
    assert fixed_definition_problem(forged) is not None
