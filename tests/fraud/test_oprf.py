"""RFC 9497 OPRF (mode 0x00, ristretto255-SHA512) against the RFC's Appendix A test vectors, and the
private check's prefix rules."""

from __future__ import annotations

import hashlib

import pytest
import rbcl

from lionrock.errors import Invalid
from lionrock.fraud import oprf
from lionrock.fraud.private import PREFIX_HEX, oprf_input, parse_prefix, prefix_hex, prefix_of

# RFC 9497 Appendix A.1.1 (ristretto255-SHA512, OPRF mode).
SEED = bytes.fromhex("a3" * 32)
KEY_INFO = bytes.fromhex("74657374206b6579")  # "test key"
SK = "5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e"
BLIND = bytes.fromhex("64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706")
VECTORS = [
    (
        "00",
        "609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c",
        "7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e",
        "527759c3d9366f277d8c6020418d96bb393ba2afb20ff90df23fb7708264e2f3"
        "ab9135e3bd69955851de4b1f9fe8a0973396719b7912ba9ee8aa7d0b5e24bcf6",
    ),
    (
        "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a",
        "da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418",
        "b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25",
        "f4a74c9c592497375e796aa837e907b1a045d34306a749db9f34221f7e750cb4"
        "f2a6413a6bf6fa5e19ba6348eb673934a722a7ede2e7621306d18951e7cf2c73",
    ),
]


def test_the_context_string_is_the_suites() -> None:
    assert oprf.CONTEXT == b"OPRFV1-\x00-ristretto255-SHA512"


def test_derive_key_pair_gives_the_rfc_secret_key() -> None:
    sk, pk = oprf.derive_key_pair(SEED, KEY_INFO)
    assert sk.hex() == SK
    assert pk == rbcl.crypto_scalarmult_ristretto255_base(sk)


@pytest.mark.parametrize(("input_hex", "blinded", "evaluated", "output"), VECTORS)
def test_blind_evaluate_and_finalize_match_the_rfc_vectors(
    input_hex: str, blinded: str, evaluated: str, output: str
) -> None:
    data = bytes.fromhex(input_hex)
    sk = bytes.fromhex(SK)
    r, element = oprf.blind(data, BLIND)
    assert element.hex() == blinded
    answer = oprf.blind_evaluate(sk, element)
    assert answer.hex() == evaluated
    assert oprf.finalize(data, r, answer).hex() == output
    assert oprf.evaluate(sk, data).hex() == output


def test_expand_message_xmd_longer_than_one_block_is_consistent() -> None:
    """Only 64 bytes are used by the suite, but the function must not silently truncate the rule."""
    long = oprf.expand_message_xmd(b"abc", b"DST", 150)
    assert len(long) == 150 and long[:64] != oprf.expand_message_xmd(b"abc", b"DST", 64)
    with pytest.raises(ValueError):
        oprf.expand_message_xmd(b"abc", b"D" * 256, 64)


def test_a_random_blind_round_trips_to_the_direct_evaluation() -> None:
    sk = oprf.generate_key()
    data = oprf_input("phone-number--2a8fa6a5-1a34-5d5a-9d2b-0d5b9b0c8a11")
    r1, b1 = oprf.blind(data)
    r2, b2 = oprf.blind(data)
    assert b1 != b2 and r1 != r2  # unlinkable: the hub sees a fresh element each time
    out1 = oprf.finalize(data, r1, oprf.blind_evaluate(sk, b1))
    out2 = oprf.finalize(data, r2, oprf.blind_evaluate(sk, b2))
    assert out1 == out2 == oprf.evaluate(sk, data)
    assert len(out1) == oprf.OUTPUT_BYTES


def test_different_keys_and_different_inputs_give_different_outputs() -> None:
    k1, k2 = oprf.generate_key(), oprf.generate_key()
    assert oprf.evaluate(k1, b"a") != oprf.evaluate(k2, b"a")
    assert oprf.evaluate(k1, b"a") != oprf.evaluate(k1, b"b")
    r, element = oprf.blind(b"a")
    assert oprf.finalize(b"a", r, oprf.blind_evaluate(k2, element)) != oprf.evaluate(k1, b"a")


def _non_canonical() -> bytes:
    """The field prime p = 2^255 - 19 encodes zero non-canonically."""
    return (2**255 - 19).to_bytes(32, "little")


@pytest.mark.parametrize(
    ("element", "why"),
    [
        (bytes(32), "the identity"),
        (b"\xff" * 32, "not a field element"),
        (_non_canonical(), "non-canonical"),
        (bytes([1]) + bytes(31), "odd (negative) encodings are refused"),
        (hashlib.sha256(b"not a point").digest(), "a hash is almost never a valid encoding"),
        (bytes(31), "too short"),
        (bytes(33), "too long"),
    ],
)
def test_invalid_elements_are_refused_by_the_hub(element: bytes, why: str) -> None:
    sk = oprf.generate_key()
    assert why
    with pytest.raises(Invalid):
        oprf.blind_evaluate(sk, element)
    with pytest.raises(Invalid):
        oprf.finalize(b"x", oprf.generate_key(), element)


def test_a_scalar_must_be_reduced_and_non_zero() -> None:
    with pytest.raises(ValueError):
        oprf.check_scalar(bytes(32))
    with pytest.raises(ValueError):
        oprf.check_scalar(b"\xff" * 32)
    with pytest.raises(ValueError):
        oprf.check_scalar(b"\x01" * 31)
    assert oprf.check_scalar(bytes.fromhex(SK)).hex() == SK


def test_inputs_longer_than_two_length_bytes_are_refused() -> None:
    with pytest.raises(Invalid):
        oprf.blind(b"x" * 65536)


def test_the_prefix_is_the_tags_first_sixteen_bits() -> None:
    tag = bytes([0xAB, 0xCD, 0xEF]) + bytes(61)
    assert prefix_of(tag) == 0xABCD and prefix_hex(tag) == "abcd"
    assert parse_prefix("ABCD") == parse_prefix("abcd") == 0xABCD


@pytest.mark.parametrize("bad", ["", "abc", "abcde", "ghij", "12 4", "0x12", "１２３４", "a" * 10**6])
def test_a_prefix_of_the_wrong_length_or_alphabet_is_refused(bad: str) -> None:
    assert PREFIX_HEX == 4
    with pytest.raises(Invalid):
        parse_prefix(bad)
