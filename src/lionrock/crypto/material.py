"""Key material an organisation brings (BYOK): exactly 256 bits, given as 64 hex digits or 32 raw bytes,
and refused when it is plainly not random (few distinct bytes, a repeated or counting pattern)."""

from __future__ import annotations

import string

from lionrock.crypto.provider import KeyProviderError

KEY_BYTES = 32
_MIN_DISTINCT = 16  # 32 random bytes have about 30 distinct values; fewer than 16 has odds below 2**-60


def parse_key_material(data: bytes) -> bytes:
    """The 32 key bytes from a key file's content; KeyProviderError (never echoing it) otherwise."""
    text = data.strip()
    if len(text) == 2 * KEY_BYTES and all(chr(c) in string.hexdigits for c in text):
        key = bytes.fromhex(text.decode("ascii"))
    elif len(data) == KEY_BYTES and all(chr(c) in string.hexdigits for c in text):
        # 32 hex digits are a 128-bit key written out, not 32 raw bytes (whose 16 symbols would pass)
        raise KeyProviderError("key material must be 256 bits: that is 32 hex digits (128 bits); give 64")
    elif len(data) == KEY_BYTES:
        key = data
    else:
        raise KeyProviderError("key material must be 256 bits: 64 hex digits, or exactly 32 raw bytes")
    if len(set(key)) < _MIN_DISTINCT or _counting(key):
        raise KeyProviderError("the key material is weak (too few distinct bytes or a pattern): generate it at random")
    return key


def _counting(key: bytes) -> bool:
    steps = {(key[i + 1] - key[i]) % 256 for i in range(len(key) - 1)}
    return len(steps) == 1
