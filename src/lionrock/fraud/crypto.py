"""Cryptocurrency wallet addresses: Bitcoin (base58check P2PKH/P2SH, bech32/bech32m segwit),
Ethereum and EVM chains (0x + 40 hex digits), TRON (base58check, 'T...', where USDT-TRC20 scams pay).

Canonical forms: base58 addresses are case-sensitive and kept as written; bech32 addresses are
lower-cased (the encoding is case-insensitive, BIP 173); Ethereum addresses are lower-cased (the
EIP-55 mixed case is only a checksum; it is not verified here, which would need Keccak-256).
Every base58check and bech32 checksum is verified, so a mistyped address is refused.
"""

from __future__ import annotations

import hashlib
import re

from lionrock.errors import Invalid
from lionrock.fraud.clean import clean, label_re, strip_label

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3
_ETH_RE = re.compile(r"^0x[0-9a-fA-F]{40}\Z")
_LABEL = label_re("bitcoin:", "ethereum:", "tron:", "btc", "eth", "usdt", "trc20", "erc20", "wallet", "address", "錢包")
_VERSIONS = {0x00: "bitcoin P2PKH", 0x05: "bitcoin P2SH", 0x41: "TRON"}


def _b58check_version(address: str) -> int | None:
    """The version byte of a valid base58check string of 25 bytes, else None."""
    number = 0
    for c in address:
        index = _B58_INDEX.get(c)
        if index is None:
            return None
        number = number * 58 + index
    pad = len(address) - len(address.lstrip("1"))
    try:
        payload = b"\0" * pad + number.to_bytes((number.bit_length() + 7) // 8, "big")
    except OverflowError:  # pragma: no cover - to_bytes of a non-negative int with enough length
        return None
    if len(payload) != 25:
        return None
    body, check = payload[:-4], payload[-4:]
    if hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] != check:
        return None
    return body[0]


def _bech32_polymod(values: list[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, g in enumerate(generators):
            chk ^= g if (top >> i) & 1 else 0
    return chk


def _segwit_ok(address: str) -> bool:
    """BIP 173 / BIP 350: hrp 'bc', witness v0 with bech32 (20 or 32 bytes), v1-16 with bech32m."""
    hrp, _, data_part = address.rpartition("1")
    if hrp != "bc" or len(data_part) < 7 or len(address) > 90 or any(c not in _BECH32 for c in data_part):
        return False
    data = [_BECH32.index(c) for c in data_part]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    const = _bech32_polymod(expanded + data)
    version, words = data[0], data[1:-6]
    if version > 16 or const != (_BECH32_CONST if version == 0 else _BECH32M_CONST):
        return False
    program_bits = len(words) * 5
    length = program_bits // 8
    if program_bits % 8 >= 5 or not 2 <= length <= 40:
        return False
    return version != 0 or length in (20, 32)


def wallet(raw: str) -> str:
    """A wallet address in its canonical form; Invalid with the reason otherwise."""
    text = strip_label(clean(raw), _LABEL).replace(" ", "")
    if _ETH_RE.match(text):
        return text.lower()
    if text.lower().startswith("bc1"):
        if text != text.lower() and text != text.upper():
            raise Invalid(f"{raw!r} mixes upper and lower case, which a bech32 address may not")
        if not _segwit_ok(text.lower()):
            raise Invalid(f"{raw!r} is not a valid bech32 bitcoin address (checksum or length)")
        return text.lower()
    if text[:1] in ("1", "3", "T") and 25 <= len(text) <= 35:
        version = _b58check_version(text)
        if version in _VERSIONS and (text[0] == "T") == (version == 0x41):
            return text
        raise Invalid(f"{raw!r} is not a valid base58check bitcoin or TRON address (checksum)")
    raise Invalid(f"{raw!r} is not a wallet address lionrock knows (bitcoin, Ethereum/EVM 0x..., TRON T...)")
