"""RFC 9497 OPRF, mode 0x00 (base), suite ristretto255-SHA512: the private check's cryptography.

The client hashes its input to a group element and multiplies it by a random scalar (`blind`);
the hub multiplies what it receives by its secret key (`blind_evaluate`); the client divides the
blind out and hashes the result (`finalize`). The hub never sees the input, and the client learns
the PRF output without learning the key. `evaluate` is the hub's own, unblinded computation of the
same output, used to index reported identifiers.

Only libsodium's primitives (through rbcl) touch the curve: element decoding and validation,
hash-to-group (`crypto_core_ristretto255_from_hash`), scalar reduction, inversion and scalar
multiplication. This module is the protocol glue around them: RFC 9380 expand_message_xmd with
SHA-512, the suite's domain-separation tags, DeriveKeyPair and Finalize's hash input. It is checked
against the RFC 9497 Appendix A test vectors (tests/fraud/test_oprf.py).
"""

from __future__ import annotations

import hashlib
import hmac

import rbcl

from lionrock.errors import Invalid

MODE_OPRF = 0x00
SUITE = b"ristretto255-SHA512"
CONTEXT = b"OPRFV1-" + bytes([MODE_OPRF]) + b"-" + SUITE
ELEMENT_BYTES = 32
SCALAR_BYTES = 32
OUTPUT_BYTES = 64
MAX_INPUT = 65535  # Finalize encodes the input's length in two bytes
_IDENTITY = bytes(ELEMENT_BYTES)
_HASH_TO_GROUP_DST = b"HashToGroup-" + CONTEXT
_DERIVE_KEY_PAIR_DST = b"DeriveKeyPair" + CONTEXT
_SHA512_BLOCK = 128  # r_in_bytes: SHA-512's input block size
_SHA512_OUT = 64  # b_in_bytes


def _i2osp(value: int, length: int) -> bytes:
    return value.to_bytes(length, "big")


def expand_message_xmd(msg: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 section 5.3.1 with SHA-512: `length` uniform bytes from `msg` under tag `dst`."""
    ell = -(-length // _SHA512_OUT)
    if ell > 255 or length > 65535 or len(dst) > 255:
        raise ValueError("expand_message_xmd: length or DST too long")
    dst_prime = dst + _i2osp(len(dst), 1)
    msg_prime = bytes(_SHA512_BLOCK) + msg + _i2osp(length, 2) + _i2osp(0, 1) + dst_prime
    b0 = hashlib.sha512(msg_prime).digest()
    blocks = [hashlib.sha512(b0 + _i2osp(1, 1) + dst_prime).digest()]
    for i in range(2, ell + 1):
        mixed = bytes(x ^ y for x, y in zip(b0, blocks[-1], strict=True))
        blocks.append(hashlib.sha512(mixed + _i2osp(i, 1) + dst_prime).digest())
    return b"".join(blocks)[:length]


def hash_to_group(msg: bytes) -> bytes:
    """The suite's HashToGroup: hash_to_ristretto255 over 64 bytes of expand_message_xmd."""
    return bytes(rbcl.crypto_core_ristretto255_from_hash(expand_message_xmd(msg, _HASH_TO_GROUP_DST, 64)))


def hash_to_scalar(msg: bytes, dst: bytes) -> bytes:
    """The suite's HashToScalar: 64 uniform bytes read little-endian and reduced modulo the group order."""
    return bytes(rbcl.crypto_core_ristretto255_scalar_reduce(expand_message_xmd(msg, dst, 64)))


def derive_key_pair(seed: bytes, info: bytes) -> tuple[bytes, bytes]:
    """RFC 9497 DeriveKeyPair: a deterministic (secret scalar, public element) from a 32-byte seed."""
    derive_input = seed + _i2osp(len(info), 2) + info
    for counter in range(256):
        sk = hash_to_scalar(derive_input + _i2osp(counter, 1), _DERIVE_KEY_PAIR_DST)
        if any(sk):
            return sk, bytes(rbcl.crypto_scalarmult_ristretto255_base(sk))
    raise ValueError("DeriveKeyPair: no non-zero scalar in 256 tries")  # pragma: no cover (probability 2^-2000)


def generate_key() -> bytes:
    """A new random secret key: a uniformly random non-zero scalar."""
    while True:
        sk = bytes(rbcl.crypto_core_ristretto255_scalar_random())
        if any(sk):
            return sk


def random_scalar() -> bytes:
    """A random non-zero blind."""
    return generate_key()


def check_scalar(sk: bytes) -> bytes:
    """A key or blind as 32 bytes of a canonical, non-zero scalar, or ValueError."""
    if len(sk) != SCALAR_BYTES or not any(sk):
        raise ValueError("a scalar is 32 bytes and not zero")
    if bytes(rbcl.crypto_core_ristretto255_scalar_reduce(sk + bytes(32))) != sk:
        raise ValueError("a scalar must be reduced modulo the group order")
    return sk


def decode_element(data: bytes) -> bytes:
    """A group element from the wire: 32 bytes, canonical ristretto255 encoding, not the identity.
    Invalid (422) otherwise, as RFC 9497 requires of DeserializeElement."""
    if not isinstance(data, bytes) or len(data) != ELEMENT_BYTES:
        raise Invalid(f"an element is {ELEMENT_BYTES} bytes")
    if hmac.compare_digest(data, _IDENTITY) or not rbcl.crypto_core_ristretto255_is_valid_point(data):
        raise Invalid("not a valid ristretto255 element")
    return data


def _input(data: bytes) -> bytes:
    if len(data) > MAX_INPUT:
        raise Invalid(f"an OPRF input is at most {MAX_INPUT} bytes")
    return data


def _mul(scalar: bytes, element: bytes) -> bytes:
    try:
        return bytes(rbcl.crypto_scalarmult_ristretto255(scalar, element))
    except RuntimeError:  # libsodium refuses a product that is the identity
        raise Invalid("the product is the identity element") from None


def blind(data: bytes, r: bytes | None = None) -> tuple[bytes, bytes]:
    """Client: (blind, blinded element) for input `data`; `r` fixes the blind (test vectors only)."""
    r = check_scalar(r) if r is not None else random_scalar()
    element = hash_to_group(_input(data))
    if element == _IDENTITY:
        raise Invalid("the input hashes to the identity element")  # pragma: no cover (probability 2^-252)
    return r, _mul(r, element)


def blind_evaluate(sk: bytes, blinded: bytes) -> bytes:
    """Hub: the key times the client's blinded element; Invalid for anything that is not a valid element."""
    return _mul(sk, decode_element(blinded))


def _finalize_hash(data: bytes, unblinded: bytes) -> bytes:
    return hashlib.sha512(_i2osp(len(data), 2) + data + _i2osp(len(unblinded), 2) + unblinded + b"Finalize").digest()


def finalize(data: bytes, r: bytes, evaluated: bytes) -> bytes:
    """Client: the PRF output for `data`, from the hub's evaluated element and the client's blind."""
    inverse = bytes(rbcl.crypto_core_ristretto255_scalar_invert(check_scalar(r)))
    return _finalize_hash(data, _mul(inverse, decode_element(evaluated)))


def evaluate(sk: bytes, data: bytes) -> bytes:
    """Hub: the PRF output for `data` computed directly with the key (what `finalize` yields)."""
    element = hash_to_group(_input(data))
    if element == _IDENTITY:
        raise Invalid("the input hashes to the identity element")  # pragma: no cover
    return _finalize_hash(data, _mul(check_scalar(sk), element))
