"""What the client and the hub agree on in the private check, beyond RFC 9497 itself.

The OPRF input is the identifier's STIX id (a public function of its canonical value, so both sides
compute it from the value alone). The tag is the 64-byte OPRF output; its first PREFIX_BITS bits
name the bucket the client asks for. docs/fraud-private-check.md explains the choice of 16 bits.
"""

from __future__ import annotations

import re

from lionrock.errors import Invalid

PREFIX_BITS = 16
PREFIX_HEX = PREFIX_BITS // 4
MAX_ELEMENTS = 100
"""Blinded elements one evaluate request may carry."""
_HEX = re.compile(rf"[0-9a-fA-F]{{{PREFIX_HEX}}}")


def oprf_input(identifier_id: str) -> bytes:
    """The bytes the OPRF is evaluated on: the identifier's STIX id, ASCII."""
    return identifier_id.encode("ascii")


def prefix_of(tag: bytes) -> int:
    """The bucket of a tag: its first PREFIX_BITS bits, as an integer."""
    return int.from_bytes(tag[: -(-PREFIX_BITS // 8)], "big") >> (-PREFIX_BITS % 8)


def prefix_hex(tag: bytes) -> str:
    """The bucket as the client sends it: PREFIX_HEX lower-case hex digits."""
    return f"{prefix_of(tag):0{PREFIX_HEX}x}"


def parse_prefix(text: str) -> int:
    """A bucket named in a request; Invalid unless exactly PREFIX_HEX hex digits."""
    if not isinstance(text, str) or not _HEX.fullmatch(text):
        raise Invalid(f"prefix must be exactly {PREFIX_HEX} hexadecimal digits")
    return int(text, 16)
