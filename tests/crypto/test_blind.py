"""Blind indexes: keyed (another key gives other tokens), deterministic, and the words a query names are
the words indexed."""

from __future__ import annotations

import os

from hypothesis import given
from hypothesis import strategies as st

from lionrock.crypto import blind

KEY, OTHER = os.urandom(32), os.urandom(32)


def test_tokens_depend_on_the_key_and_hide_the_value() -> None:
    value = "203.0.113.7"
    assert blind.blind_value(KEY, value) == blind.blind_value(KEY, value)
    assert blind.blind_value(KEY, value) != blind.blind_value(OTHER, value)
    assert value not in blind.blind_value(KEY, value)
    assert blind.word_token(KEY, "kingfisher") != blind.word_token(OTHER, "kingfisher")
    assert blind.word_token(KEY, "x") != blind.literal_token(KEY, "x")  # kinds never collide


def test_words_of_a_pattern_and_prose() -> None:
    found = blind.words("[domain-name:value = 'pay.evil-bank.example.com'] seen by the Treasury desk.")
    assert {"pay.evil-bank.example.com", "example.com", "evil-bank", "domain-name", "treasury", "desk"} <= found
    assert "ipv4-addr" not in found
    assert "tamarin" not in blind.words("tamarind")  # whole words only


def test_search_tokens_are_spaced_hex_with_no_clear_word() -> None:
    text = blind.search_tokens(KEY, "operation tamarind [ipv4-addr:value = '198.51.100.7']", literals=True)
    assert text.startswith(" ") and text.endswith(" ")
    assert "tamarind" not in text and "198.51" not in text  # (hex tokens hold no dot)
    for token in text.split():
        assert token[0] in "wl" and len(token) == 17 and int(token[1:], 16) >= 0
    assert blind.literal_token(KEY, blind.literal_form("198.51.100.7")) in text.split()


def test_a_quoted_observable_is_looked_for_as_written_in_the_pattern() -> None:
    text = blind.search_tokens(KEY, "[file:name = 'it\\'s.exe']", literals=True)
    assert blind.literal_token(KEY, blind.literal_form("it's.exe")) in text.split()
    assert blind.literal_token(KEY, "x") not in blind.search_tokens(KEY, "['x']", literals=False)


@given(st.text(max_size=200))
def test_every_word_a_query_names_in_a_text_is_indexed(text: str) -> None:
    indexed = blind.words(text)
    for word in text.split():
        assert blind.query_words(word) <= indexed
