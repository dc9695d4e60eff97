"""Our pattern checker against the reference `stix2-patterns` validator (the oracle)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stix2patterns.validator import run_validator

from lionrock.stix.patterns import parse_pattern, pattern_error

VALID = [
    "[ipv4-addr:value = '198.51.100.1']",
    "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
    "[domain-name:value = 'evil.example' OR domain-name:value = 'bad.example']",
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e' AND file:size > 10]",
    "[url:value LIKE 'http://%.example/%'] FOLLOWEDBY [ipv4-addr:value = '203.0.113.5'] WITHIN 300 SECONDS",
    "[email-message:from_ref.value MATCHES '^.+@evil\\\\.example$']",
    "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_port = 443]",
    "([a-b:c = 1] AND [x:y = 'z']) REPEATS 5 TIMES",
    "[x-custom:prop IN ('a', 'b', 'c')]",
    "[process:extensions.'windows-process-ext'.aslr_enabled = true]",
    "[file:name NOT = 'good.exe']",
    "[artifact:payload_bin = b'dGVzdA==']",
    "[artifact:payload_bin = h'00ff']",
    "[email-message:to_refs[*].value = 'a@b.example']",
    "[file:created > t'2016-01-01T00:00:00Z'] START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'",
    "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\Evil']",
    "[x:y = -3.5]",
    "[ipv4-addr:value == '1.2.3.4']",
    "[x:y EXISTS]" if False else "[EXISTS x:y]",
]
INVALID = [
    "",
    "ipv4-addr:value = '1.2.3.4'",
    "[ipv4-addr:value = '1.2.3.4'",
    "[ipv4-addr:value = 1.2.3.4]",
    "[ipv4-addr value = '1.2.3.4']",
    "[ipv4-addr:value = '1.2.3.4'] AND",
    "[ipv4-addr:value = '1.2.3.4'] WITHIN SECONDS",
    "[x:y LIKE 5]",
    "[x:y > true]",
    "[x:y IN 'a']",
    "[x:y = 'unterminated]",
    "[x:y = 'a'] START '2016' STOP '2017'",
    "[]",
]


# The reference accepts these; the STIX 2.1 spec does not (type names are lower-case, REPEATS is a
# positive integer), so we refuse them.
STRICTER = ["[Bad_Type:value = 'a']", "[ipv4-addr:value = '1.2.3.4'] REPEATS 0 TIMES"]


@pytest.mark.parametrize("pattern", STRICTER)
def test_stricter_than_reference_where_the_spec_says_so(pattern: str) -> None:
    assert pattern_error(pattern) is not None


def oracle_accepts(pattern: str) -> bool:
    try:
        return run_validator(pattern) == []
    except Exception:  # the reference crashes on some inputs (e.g. ""): that is a refusal
        return False


@pytest.mark.parametrize("pattern", VALID)
def test_valid_patterns_agree_with_reference(pattern: str) -> None:
    assert oracle_accepts(pattern), "the oracle must accept this case for it to be a fair test"
    assert pattern_error(pattern) is None


@pytest.mark.parametrize("pattern", INVALID)
def test_invalid_patterns_agree_with_reference(pattern: str) -> None:
    assert not oracle_accepts(pattern), "the oracle must reject this case"
    assert pattern_error(pattern) is not None


def test_comparisons_are_kept_for_consumers() -> None:
    found = parse_pattern("[file:hashes.'SHA-256' = 'ab' OR domain-name:value = 'evil.example']")
    assert [(c.object_type, c.path, c.value) for c in found] == [
        ("file", "hashes.SHA-256", "ab"),
        ("domain-name", "value", "evil.example"),
    ]


_atoms = st.sampled_from(
    [
        "[",
        "]",
        "(",
        ")",
        "ipv4-addr",
        ":",
        "value",
        "=",
        "'1.2.3.4'",
        "AND",
        "OR",
        "FOLLOWEDBY",
        "WITHIN",
        "5",
        "SECONDS",
        "x",
        "LIKE",
        "NOT",
        "IN",
        ",",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_atoms, min_size=1, max_size=12))
def test_random_token_soup_agrees_with_reference(tokens: list[str]) -> None:
    pattern = " ".join(tokens)
    assert (pattern_error(pattern) is None) == oracle_accepts(pattern)
