"""Envelopes: what was sealed opens only with the same key, the same AAD and every byte unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lionrock.crypto import envelope
from lionrock.crypto.envelope import EnvelopeError, decrypt, encrypt, new_data_key

AAD = b"intake-result|job-1|1"


def test_round_trip_and_header() -> None:
    key = new_data_key()
    sealed = encrypt(b"secret findings", key, AAD, 42)
    assert decrypt(sealed, key, AAD) == b"secret findings"
    head = envelope.header(sealed)
    assert (head.version, head.key_id, len(head.nonce)) == (1, 42, 12)
    assert b"secret" not in sealed


@given(st.binary(max_size=2048), st.binary(max_size=64), st.integers(0, 2**63))
def test_any_plaintext_round_trips(plaintext: bytes, aad: bytes, key_id: int) -> None:
    key = new_data_key()
    assert decrypt(encrypt(plaintext, key, aad, key_id), key, aad) == plaintext


def test_two_seals_of_the_same_text_differ_random_nonces() -> None:
    key = new_data_key()
    one, two = encrypt(b"x", key, AAD, 1), encrypt(b"x", key, AAD, 1)
    assert one != two and envelope.header(one).nonce != envelope.header(two).nonce


@pytest.mark.parametrize(
    "where",
    [0, 3, 4, 11, 12, envelope.HEADER_BYTES - 1, envelope.HEADER_BYTES, -envelope.TAG_BYTES - 1, -1],
    ids=["magic", "version", "key-id-high", "key-id-low", "nonce-first", "nonce-last", "ciphertext", "last-ct", "tag"],
)
def test_any_flipped_byte_is_refused(where: int) -> None:
    key = new_data_key()
    sealed = bytearray(encrypt(b"secret findings", key, AAD, 7))
    sealed[where] ^= 0x01
    with pytest.raises(EnvelopeError):
        decrypt(bytes(sealed), key, AAD)


def test_a_swapped_row_wrong_aad_is_refused() -> None:
    key = new_data_key()
    sealed = encrypt(b"job one's findings", key, b"intake-result|job-1|1", 7)
    with pytest.raises(EnvelopeError, match="does not authenticate"):
        decrypt(sealed, key, b"intake-result|job-2|1")
    with pytest.raises(EnvelopeError):
        decrypt(sealed, key, b"intake-result|job-1|2")  # another format version of the same row


def test_the_wrong_key_is_refused() -> None:
    sealed = encrypt(b"x", new_data_key(), AAD, 7)
    with pytest.raises(EnvelopeError):
        decrypt(sealed, new_data_key(), AAD)


@pytest.mark.parametrize("blob", [b"", b"LRE", b"LRE\x01" + b"\x00" * 20, b"XYZ\x01" + b"\x00" * 40])
def test_truncated_or_foreign_blobs_are_refused(blob: bytes) -> None:
    with pytest.raises(EnvelopeError):
        decrypt(blob, new_data_key(), AAD)


def test_an_unknown_format_version_is_refused_by_name() -> None:
    key = new_data_key()
    sealed = bytearray(encrypt(b"x", key, AAD, 7))
    sealed[3] = 2
    with pytest.raises(EnvelopeError, match="version 2"):
        decrypt(bytes(sealed), key, AAD)


@pytest.mark.parametrize("size", [0, 16, 31, 33])
def test_only_256_bit_data_keys(size: int) -> None:
    with pytest.raises(EnvelopeError):
        encrypt(b"x", b"k" * size, AAD, 1)
