"""Our pattern checker against the reference `stix2-patterns` validator (the oracle)."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stix2patterns.validator import run_validator

from lionrock.stix.patterns import (
    MAX_INTEGER_DIGITS,
    MAX_NESTING,
    MAX_PATTERN_CHARS,
    PatternError,
    parse_pattern,
    parse_tree,
    pattern_error,
)
from lionrock.stix.validate import object_problems
from tests.factories import indicator

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


# Limits (issue 8, findings 10 and 11): hostile patterns end in a PatternError with a message,
# never a RecursionError, a ValueError from int() or gigabytes of tokens.


def _nested_observation(depth: int) -> str:
    return "(" * depth + "[ipv4-addr:value = '1.2.3.4']" + ")" * depth


def _nested_comparison(depth: int) -> str:
    return "[" + "(" * depth + "ipv4-addr:value = '1.2.3.4'" + ")" * depth + "]"


@pytest.mark.parametrize("build", [_nested_observation, _nested_comparison])
def test_pattern_nested_300_deep_is_refused_not_crashing(build: Callable[[int], str]) -> None:
    for depth in (300, 5_000):
        error = pattern_error(build(depth))
        assert error is not None and f"nest more than {MAX_NESTING} deep" in error
        with pytest.raises(PatternError, match="nest more than"):
            parse_tree(build(depth))
    assert any("nest more than" in p for p in object_problems({**indicator(), "pattern": build(300)}))


@pytest.mark.parametrize("build", [_nested_observation, _nested_comparison])
def test_pattern_nested_to_the_limit_is_accepted(build: Callable[[int], str]) -> None:
    depth = MAX_NESTING - 1  # the observation's own bracket is one level
    assert pattern_error(build(depth)) is None
    assert oracle_accepts(build(depth))
    assert parse_tree(build(depth)) is not None


@pytest.mark.parametrize(
    "pattern",
    [
        "[file:size = " + "9" * 5_000 + "]",
        "[ipv4-addr:value = '1.2.3.4'] REPEATS " + "9" * 5_000 + " TIMES",
        "[x:y[" + "1" * 5_000 + "] = 'a']",
        "[file:size = -" + "9" * 21 + "]",
    ],
    ids=["literal", "repeats", "index", "negative"],
)
def test_integer_literals_of_thousands_of_digits_are_refused_not_crashing(pattern: str) -> None:
    error = pattern_error(pattern)
    assert error is not None and f"more than {MAX_INTEGER_DIGITS} digits" in error
    with pytest.raises(PatternError):
        parse_tree(pattern)


def test_integer_literals_up_to_the_limit_are_accepted() -> None:
    assert pattern_error("[file:size = " + "9" * MAX_INTEGER_DIGITS + "]") is None
    assert pattern_error("[x:y = 1] REPEATS 1000 TIMES") is None


@pytest.mark.parametrize("pattern", [123, None, ["[x:y = 'z']"], b"[x:y = 'z']"])
def test_non_string_pattern_is_refused_with_a_message(pattern: object) -> None:
    error = pattern_error(pattern)
    assert error is not None and error.startswith("a pattern must be a string")
    with pytest.raises(PatternError, match="must be a string"):
        parse_pattern(pattern)
    with pytest.raises(PatternError, match="must be a string"):
        parse_tree(pattern)


def test_9mb_pattern_is_refused_quickly_with_little_memory() -> None:
    comparisons = " OR ".join(["ipv4-addr:value = '203.0.113.77'"] * 300_000)
    pattern = f"[{comparisons}]"
    assert len(pattern) > 9_000_000
    tracemalloc.start()
    started = time.perf_counter()
    error = pattern_error(pattern)
    problems = object_problems({**indicator(), "pattern": pattern})
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert error is not None and f"the limit is {MAX_PATTERN_CHARS:,}" in error
    assert any("the limit is" in p for p in problems)
    assert elapsed < 0.1
    assert peak < 1_000_000


def test_pattern_just_under_the_size_limit_is_accepted_in_good_time() -> None:
    comparison = "ipv4-addr:value = '203.0.113.77'"
    pattern = "[" + " OR ".join([comparison] * (MAX_PATTERN_CHARS // (len(comparison) + 4))) + "]"
    assert len(pattern) <= MAX_PATTERN_CHARS
    started = time.perf_counter()
    assert pattern_error(pattern) is None
    assert time.perf_counter() - started < 1.0
    assert pattern_error(pattern + " " * (MAX_PATTERN_CHARS - len(pattern) + 1)) is not None
