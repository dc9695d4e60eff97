"""Fast boundary validation: what it accepts and the message it gives for what it refuses."""

from __future__ import annotations

import json

import pytest
from stix2validator import ValidationOptions, validate_instance

from lionrock.stix.ids import timestamp_key
from lionrock.stix.validate import object_problems
from tests.conftest import shared
from tests.factories import T0, indicator, relationship, sighting


def test_good_indicator_has_no_problems() -> None:
    assert object_problems(indicator()) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": "indicator--not-a-uuid"}, "is not 'indicator--<uuid>'"),
        ({"id": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}, "is not 'indicator--<uuid>'"),
        ({"created": "2026-01-01 00:00:00"}, "created is not a STIX timestamp"),
        ({"modified": "2025-01-01T00:00:00Z"}, "modified is earlier than created"),
        ({"pattern": "[ipv4-addr:value = '1.2.3.4'"}, "pattern is not valid STIX patterning"),
        ({"created_by_ref": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}, "created_by_ref may not point"),
        ({"object_marking_refs": ["not-an-id"]}, "object_marking_refs holds"),
        ({"spec_version": "2.0"}, "spec_version must be '2.1'"),
        ({"valid_until": "2025-01-01T00:00:00Z"}, "valid_until must be later than valid_from"),
    ],
)
def test_bad_indicators_are_named(change: dict[str, object], expected: str) -> None:
    problems = object_problems({**indicator(), **change})
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize("missing", ["pattern", "pattern_type", "valid_from", "created", "modified", "spec_version"])
def test_required_properties(missing: str) -> None:
    obj = indicator()
    del obj[missing]
    assert f"required property {missing} is missing" in object_problems(obj)


@pytest.mark.parametrize("bad", [None, [], "x", 3, {"id": "x"}, {"type": "Bad Type", "id": "x"}])
def test_not_objects(bad: object) -> None:
    assert object_problems(bad)


def test_relationship_and_sighting_refs() -> None:
    rel = relationship("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "nonsense")
    assert any("target_ref" in p for p in object_problems(rel))
    sig = sighting("relationship--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
    assert any("sighting_of_ref may not point" in p for p in object_problems(sig))
    assert object_problems({**sighting("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"), "count": -1})


def test_scos_need_no_timestamps() -> None:
    sco = {
        "type": "ipv4-addr",
        "spec_version": "2.1",
        "id": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
        "value": "198.51.100.3",
    }
    assert object_problems(sco) == []
    assert "value must be a string, not null" in object_problems({**sco, "value": None})
    del sco["value"]
    assert "required property value is missing" in object_problems(sco)


def test_custom_types_are_accepted_with_a_valid_id() -> None:
    obj = {
        "type": "x-hk-mule-account",
        "id": "x-hk-mule-account--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "spec_version": "2.1",
        "created": T0,
        "modified": T0,
        "account": "012-345678-901",
    }
    assert object_problems(obj) == []


def test_official_examples_pass_ours_and_the_oracle() -> None:
    folder = shared("stix", "examples")
    options = ValidationOptions(version="2.1")
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        objects = data["objects"] if data.get("type") == "bundle" else [data]
        for obj in objects:
            assert object_problems(obj) == [], (path.name, obj["id"])
            assert validate_instance(obj, options).is_valid, (path.name, obj["id"])


def test_objects_we_refuse_the_oracle_refuses_too() -> None:
    options = ValidationOptions(version="2.1")
    for change in ({"pattern": "[x:y = "}, {"created": "yesterday"}, {"id": "indicator--1234"}):
        obj = {**indicator(), **change}
        assert object_problems(obj)
        assert not validate_instance(obj, options).is_valid


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2024-02-29T00:00:00Z", True),
        ("2023-02-29T00:00:00Z", False),
        ("2026-04-31T00:00:00.000Z", False),
        ("2026-12-31T23:59:60.123456789Z", True),
        ("2026-13-01T00:00:00Z", False),
        ("2026-01-01T24:00:00Z", False),
        ("2026-01-01T00:00:00+08:00", False),
    ],
)
def test_timestamps(value: str, ok: bool) -> None:
    assert (timestamp_key(value) is not None) is ok


def test_timestamp_order_ignores_precision() -> None:
    assert timestamp_key("2026-01-01T00:00:00Z") == timestamp_key("2026-01-01T00:00:00.000Z")
    obj = {**indicator(), "created": "2026-01-01T00:00:00.5Z", "modified": "2026-01-01T00:00:00.499Z"}
    assert "modified is earlier than created" in object_problems(obj)
