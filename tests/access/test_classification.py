"""The classification table, pinned: a change here is a policy change and must show in review."""

from __future__ import annotations

import pytest

from lionrock.access.classification import Classification, RecordKind, classify, classify_record
from lionrock.stix.tlp import Tlp

C = Classification


@pytest.mark.parametrize(
    ("tlp", "plain", "personal"),
    [
        (Tlp.CLEAR, C.PUBLIC, C.CONFIDENTIAL),
        (Tlp.GREEN, C.INTERNAL, C.CONFIDENTIAL),
        (Tlp.AMBER, C.CONFIDENTIAL, C.RESTRICTED),
        (Tlp.AMBER_STRICT, C.CONFIDENTIAL, C.RESTRICTED),
        (Tlp.RED, C.RESTRICTED, C.RESTRICTED),
        (None, C.CONFIDENTIAL, C.RESTRICTED),
    ],
)
def test_tlp_gives_the_level_and_personal_data_raises_it(tlp: Tlp | None, plain: C, personal: C) -> None:
    assert classify(tlp) is plain
    assert classify(tlp, personal_data=True) is personal


def test_personal_data_is_never_below_confidential() -> None:
    assert min(classify(t, personal_data=True) for t in Tlp) is C.CONFIDENTIAL


def test_the_levels_are_ordered() -> None:
    assert C.PUBLIC < C.INTERNAL < C.CONFIDENTIAL < C.RESTRICTED
    assert [c.label for c in C] == ["public", "internal", "confidential", "restricted"]


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        (RecordKind.OBJECT, C.PUBLIC),
        (RecordKind.SIGHTING, C.INTERNAL),
        (RecordKind.FRAUD_REPORT, C.CONFIDENTIAL),
        (RecordKind.INTAKE_TEXT, C.RESTRICTED),
        (RecordKind.INTAKE_JOB, C.INTERNAL),
        (RecordKind.NOTIFICATION, C.INTERNAL),
        (RecordKind.WEB_SESSION, C.RESTRICTED),
        (RecordKind.AUDIT, C.CONFIDENTIAL),
    ],
)
def test_each_kind_has_its_floor(kind: RecordKind, level: C) -> None:
    assert classify_record(kind) is level
    assert classify_record(kind, Tlp.CLEAR) >= level


def test_a_red_object_is_restricted_and_a_clear_fraud_report_stays_confidential() -> None:
    assert classify_record(RecordKind.OBJECT, Tlp.RED) is C.RESTRICTED
    assert classify_record(RecordKind.FRAUD_REPORT, Tlp.CLEAR) is C.CONFIDENTIAL
    assert classify_record(RecordKind.SIGHTING, Tlp.GREEN, personal_data=True) is C.CONFIDENTIAL
