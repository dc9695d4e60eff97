"""Property types, ranges, timestamps and SCO values at the boundary (issue 8, findings 11 and 14).

Each case once passed validation silently and then meant something else to readers, or crashed one.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from stix2validator import ValidationOptions, validate_instance

from lionrock.stix.ids import parse_timestamp, timestamp_key
from lionrock.stix.sco_ids import deterministic_id
from lionrock.stix.validate import object_problems
from tests.factories import T0, indicator, malware, sighting

SIGHTED = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"


def problems_of(obj: dict[str, Any]) -> list[str]:
    return object_problems(obj)


def sco(sco_type: str, **props: Any) -> dict[str, Any]:
    """An SCO under its deterministic id, so that only the property under test can be wrong."""
    obj = {"type": sco_type, "spec_version": "2.1", **props}
    return {**obj, "id": deterministic_id(obj) or f"{sco_type}--{uuid.uuid4()}"}


def assert_refused(obj: dict[str, Any], expected: str) -> None:
    found = problems_of(obj)
    assert any(expected in p for p in found), found


@pytest.mark.parametrize("count", [True, False, "3", 3.0, None, [1]])
def test_sighting_count_must_be_an_integer_not_a_boolean(count: object) -> None:
    assert_refused({**sighting(SIGHTED), "count": count}, "count must be an integer, not")


@pytest.mark.parametrize("count", [-1, 1_000_000_000, 10**5000], ids=["negative", "1e9", "5000-digits"])
def test_sighting_count_must_be_from_0_to_999999999(count: int) -> None:
    assert_refused({**sighting(SIGHTED), "count": count}, "count must be an integer from 0 to 999999999")
    assert problems_of({**sighting(SIGHTED), "count": 999_999_999}) == []


@pytest.mark.parametrize("name", [5, 5.5, True, ["x"], {"x": 1}, None])
def test_name_must_be_a_string_not_a_number(name: object) -> None:
    assert_refused({**indicator(), "name": name}, "name must be a string, not")
    assert_refused({**malware(), "name": name}, "name must be a string")


@pytest.mark.parametrize("revoked", ["yes", "true", 1, 0, None])
def test_revoked_must_be_a_json_boolean(revoked: object) -> None:
    assert_refused({**indicator(), "revoked": revoked}, "revoked must be true or false (a JSON boolean)")


@pytest.mark.parametrize(("prop", "value"), [("is_family", "true"), ("is_family", 1), ("defanged", "no")])
def test_boolean_properties_must_be_json_booleans(prop: str, value: object) -> None:
    assert_refused({**malware(), prop: value}, f"{prop} must be true or false")


@pytest.mark.parametrize(
    ("confidence", "message"), [(1000, " from 0 to 100"), (-1, " from 0 to 100"), (50.5, ", not a number")]
)
def test_confidence_must_be_an_integer_from_0_to_100(confidence: object, message: str) -> None:
    assert_refused({**indicator(), "confidence": confidence}, f"confidence must be an integer{message}")
    assert problems_of({**indicator(), "confidence": 100}) == []


def test_a_huge_integer_gets_a_message_not_a_crash() -> None:
    """Python refuses to print integers of 4,300+ digits; the message must not try."""
    assert_refused({**indicator(), "confidence": 10**5000}, "confidence must be an integer from 0 to 100")


def test_number_observed_must_be_from_1_to_999999999() -> None:
    observed = {
        "type": "observed-data",
        "spec_version": "2.1",
        "id": f"observed-data--{uuid.uuid4()}",
        "created": T0,
        "modified": T0,
        "first_observed": T0,
        "last_observed": T0,
        "number_observed": 1,
        "object_refs": [f"ipv4-addr--{uuid.uuid4()}"],
    }
    assert problems_of(observed) == []
    for bad in (0, 1_000_000_000, True, "1"):
        assert_refused({**observed, "number_observed": bad}, "number_observed must be an integer")


@pytest.mark.parametrize("port", [-1, 65_536, "80", True])
def test_network_traffic_ports_must_be_from_0_to_65535(port: object) -> None:
    good = sco("network-traffic", protocols=["tcp"], dst_ref=f"ipv4-addr--{uuid.uuid4()}", dst_port=443)
    assert problems_of(good) == []
    assert_refused({**good, "src_port": port}, "src_port must be an integer")


@pytest.mark.parametrize("number", [-1, 2**32, "64500", 64500.0])
def test_autonomous_system_number_must_be_a_32_bit_integer(number: object) -> None:
    assert problems_of(sco("autonomous-system", number=64500)) == []
    assert_refused({**sco("autonomous-system", number=64500), "number": number}, "number must be an integer")


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("labels", "malicious", "labels must be a list, not a string"),
        ("labels", ["a", 1], "labels must be a list of strings"),
        ("indicator_types", {"a": 1}, "indicator_types must be a list"),
        ("kill_chain_phases", [{"kill_chain_name": "lockheed"}], "kill_chain_phases needs phase_name"),
        ("external_references", ["CVE-2026-1"], "external_references must be a list of objects"),
        ("description", ["a"], "description must be a string, not a list"),
        ("pattern_type", 1, "pattern_type must be a string"),
    ],
)
def test_lists_are_lists_and_strings_are_strings(prop: str, value: object, message: str) -> None:
    assert_refused({**indicator(), prop: value}, message)


def test_opinion_must_be_one_of_the_spec_values() -> None:
    opinion = {
        "type": "opinion",
        "spec_version": "2.1",
        "id": f"opinion--{uuid.uuid4()}",
        "created": T0,
        "modified": T0,
        "opinion": "agree",
        "object_refs": [SIGHTED],
    }
    assert problems_of(opinion) == []
    assert_refused({**opinion, "opinion": "sure"}, "opinion must be one of")


def test_non_string_pattern_is_a_clear_problem() -> None:
    for pattern in (123, ["[x:y = 'z']"], {"a": 1}, None):
        assert_refused({**indicator(), "pattern": pattern}, "pattern must be a string")


def test_custom_types_keep_their_own_properties_but_not_the_common_ones() -> None:
    custom = {
        "type": "x-hk-mule-account",
        "id": f"x-hk-mule-account--{uuid.uuid4()}",
        "spec_version": "2.1",
        "created": T0,
        "modified": T0,
        "name": {"first": "Chan"},
        "count": "many",
    }
    assert problems_of(custom) == []
    assert_refused({**custom, "revoked": "yes"}, "revoked must be true or false")
    assert_refused({**custom, "confidence": 1000}, "confidence must be an integer from 0 to 100")


@pytest.mark.parametrize("value", ["0000-01-01T00:00:00Z", "0000-12-31T23:59:59.999Z"])
def test_timestamps_in_year_0000_are_refused(value: str) -> None:
    assert timestamp_key(value) is None
    assert parse_timestamp(value) is None
    assert_refused({**indicator(), "created": value}, "created is not a STIX timestamp")
    assert timestamp_key("0001-01-01T00:00:00Z") is not None


def test_a_leap_second_reads_as_the_instant_before_the_next_minute() -> None:
    parsed = parse_timestamp("2016-12-31T23:59:60Z")
    assert parsed is not None and (parsed.second, parsed.microsecond) == (59, 999_999)


@pytest.mark.parametrize(
    ("sco_type", "good", "bad"),
    [
        ("ipv4-addr", ["198.51.100.3", "198.51.100.0/24", "10.0.0.1/32"], ["not-an-ip", "256.1.1.1", "1.2.3.4/33", ""]),
        ("ipv6-addr", ["2001:db8::1", "2001:db8::/32", "::1"], ["not-an-ip", "2001:db8::g", "1.2.3.4", "::/129"]),
        (
            "domain-name",
            ["example.com", "xn--bcher-kva.example", "例子.测试", "_dmarc.example.com", "localhost", "a.b."],
            ["not a domain", "evil..example", "a/b.example", "", "x" * 64 + ".example", ".example"],
        ),
        ("email-addr", ["scam@evil.example", "a.b+c@example.com"], ["no-at-sign", "a@b@c", "@example.com", "a @b.c"]),
        (
            "url",
            ["https://evil.example/login", "ftp://198.51.100.3/x", "mailto:a@b.example", "hxxp://evil.example"],
            ["evil.example/login", "not a url", "http://[::1", "1http://x"],
        ),
        ("mac-addr", ["00:00:5e:00:53:af"], ["00-00-5E-00-53-AF", "00:00:5E:00:53:AF", "0:0:5e:0:53:af", "x"]),
    ],
)
def test_sco_values_must_be_what_their_type_says(sco_type: str, good: list[str], bad: list[str]) -> None:
    for value in good:
        assert problems_of(sco(sco_type, value=value)) == [], value
    for value in bad:
        assert_refused(sco(sco_type, value=value), "value ")


def test_ipv4_addr_not_an_ip_is_refused_with_the_value_named() -> None:
    assert problems_of(sco("ipv4-addr", value="not-an-ip")) == [
        "value 'not-an-ip' is not an IPv4 address or CIDR block"
    ]


def test_defanged_scos_keep_their_values() -> None:
    assert problems_of(sco("ipv4-addr", value="198.51.100[.]3", defanged=True)) == []
    assert problems_of(sco("url", value="hxxps://evil[.]example", defanged=True)) == []


@pytest.mark.parametrize(
    ("hashes", "message"),
    [
        ({"MD5": "abc"}, "hashes.MD5 must be 32 hexadecimal digits"),
        ({"SHA-256": "z" * 64}, "hashes.SHA-256 must be 64 hexadecimal digits"),
        ({"sha1": "a" * 41}, "hashes.sha1 must be 40 hexadecimal digits"),
        ({"SHA-512": "a" * 64}, "hashes.SHA-512 must be 128 hexadecimal digits"),
        ({"SHA-256": 5}, "hashes.SHA-256 must be a non-empty string"),
        ({"": "ab"}, "hashes names must be 1 to 250 characters long"),
    ],
)
def test_hashes_must_be_hex_of_the_algorithms_length(hashes: dict[str, Any], message: str) -> None:
    obj = {"type": "file", "spec_version": "2.1", "id": f"file--{uuid.uuid4()}", "hashes": hashes}
    assert_refused(obj, message)


def test_good_hashes_pass() -> None:
    good = {"MD5": "A" * 32, "SHA-256": "b" * 64, "SSDEEP": "3:abc:def", "TLSH": "T1" + "c" * 70, "x-custom": "?"}
    assert problems_of(sco("file", hashes=good)) == []


def test_sco_with_uuidv5_of_another_value_is_refused() -> None:
    """Posting a value under the deterministic id of another value would let anyone assert (and so
    overwrite or probe) another member's shared fact."""
    theirs = sco("ipv4-addr", value="203.0.113.66")
    forged = {**sco("ipv4-addr", value="198.51.100.3"), "id": theirs["id"]}
    assert_refused(forged, "is a UUIDv5 but not this ipv4-addr's deterministic id")


def test_sco_with_uuidv4_is_allowed() -> None:
    assert problems_of({**sco("ipv4-addr", value="198.51.100.3"), "id": f"ipv4-addr--{uuid.uuid4()}"}) == []


def test_uuidv5_sco_without_contributing_properties_is_refused() -> None:
    fake_v5 = str(uuid.uuid5(uuid.NAMESPACE_DNS, "x"))
    assert_refused({"type": "process", "spec_version": "2.1", "id": f"process--{fake_v5}", "pid": 4}, "use a UUIDv4")
    assert problems_of({"type": "process", "spec_version": "2.1", "id": f"process--{uuid.uuid4()}", "pid": 4}) == []


def test_uuidv5_sco_whose_id_cannot_be_computed_is_refused() -> None:
    obj = sco("file", name="a.exe")
    assert_refused({**obj, "hashes": {}}, "deterministic id cannot be computed")


def test_ids_and_timestamps_with_a_trailing_newline_are_refused() -> None:
    """`$` in a Python regex also matches before a final newline; one id or instant has one spelling."""
    good = indicator()
    assert_refused({**good, "id": good["id"] + "\n"}, "is not 'indicator--<uuid>'")
    assert_refused({**good, "modified": T0 + "\n"}, "modified is not a STIX timestamp")
    assert_refused(sco("ipv4-addr", value="198.51.100.3\n"), "is not an IPv4 address")
    assert_refused(sco("mac-addr", value="00:00:5e:00:53:af\n"), "is not a lower-case")


def test_timestamps_and_addresses_with_non_ascii_digits_are_refused() -> None:
    arabic_indic = "٢٠٢٦-٠١-٠١T00:00:00Z"
    assert timestamp_key(arabic_indic) is None and parse_timestamp(arabic_indic) is None
    assert_refused(sco("ipv4-addr", value="١.٢.٣.٤"), "is not an IPv4 address")


def test_huge_integers_and_long_strings_are_described_not_printed() -> None:
    """Echoing a value in a message must neither fail (str() of 4,300+ digits) nor copy megabytes."""
    found = problems_of({**indicator(), "object_marking_refs": [10**5000], "spec_version": 10**5000})
    assert "object_marking_refs holds a number, which is not a STIX identifier" in found
    assert "spec_version must be '2.1', not a number" in found
    long_id = "indicator--" + "x" * 1_000_000
    assert all(len(p) < 200 for p in problems_of({**indicator(), "id": long_id}))
    assert all(len(p) < 200 for p in problems_of(sco("ipv4-addr", value="x" * 1_000_000)))


def _oracle_cases() -> list[dict[str, Any]]:
    ref = f"ipv4-addr--{uuid.uuid4()}"
    return [
        {**indicator(), "revoked": "yes"},
        {**indicator(), "confidence": 1000},
        {**indicator(), "name": 5},
        {**indicator(), "labels": "x"},
        {**indicator(), "created": "0000-01-01T00:00:00Z"},
        {**sighting(SIGHTED), "count": True},
        {**malware(), "is_family": "true"},
        sco("ipv4-addr", value="not-an-ip"),
        sco("mac-addr", value="00:00:5E:00:53:AF"),
        sco("email-addr", value="no-at"),
        sco("file", hashes={"MD5": "abc"}),
        sco("network-traffic", protocols=["tcp"], dst_ref=ref, dst_port=70_000),
    ]


@pytest.mark.parametrize("obj", _oracle_cases(), ids=lambda o: str(o["type"]))
def test_type_and_value_refusals_agree_with_the_oracle(obj: dict[str, Any]) -> None:
    """stix2-validator (the JSON-schema oracle) refuses each of these too: we are not stricter."""
    assert problems_of(obj)
    assert not validate_instance(obj, ValidationOptions(version="2.1")).is_valid
