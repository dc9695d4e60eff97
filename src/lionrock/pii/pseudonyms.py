"""Keyed pseudonyms for personal values: a readable token such as `[PHONE-7KQ2M9XD4F3A8B2C]` in place
of a victim's phone number, the same for every document and organisation that holds the same value,
so analysts see that two reports involve one victim without seeing who. docs/pseudonyms.md.

token = KIND-first 80 bits of HMAC-SHA256(key, kind | canonical value), in Crockford base32. Pure:
the key is passed in (the hub keeps it wrapped in its key provider, hub/pseudonyms.py)."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping

from lionrock.errors import Invalid
from lionrock.fraud.accounts import bank_account
from lionrock.fraud.phones import e164

BITS = 80
"""Token bits: among 10^8 distinct values of one kind the chance that any two share a token is about
n^2 / 2^81 = 4e-9."""
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_CHARS = BITS // 5
LABELS: dict[str, str] = {
    "hkid": "HKID",
    "person-name": "PERSON",
    "phone-number": "PHONE",
    "email-addr": "EMAIL",
    "bank-account": "ACCOUNT",
    "fps-id": "FPS",
    "card-number": "CARD",
    "address": "ADDRESS",
}
OTHER = "PII"
TOKEN = re.compile(r"\[?(" + "|".join([*LABELS.values(), OTHER]) + r")-([" + _ALPHABET + r"]{16})\]?")
MAX_TOKEN = 40
_HKID = re.compile(r"([A-Z]{1,2})(\d{6})([0-9A])")
_NOT_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"\s+")
_HKID_NOISE = re.compile(r"[\s()\[\]]")
_SEPARATORS = re.compile(r"[\s\-.]")


def canonical(kind: str, value: str) -> str:
    """One form per value: `A123456(3)` and `a1234563` are one HKID, `+852 9123 4567` and `91234567`
    one phone, `004-123-456789` and `004 123456789` one account. A value a normaliser refuses falls
    back to its NFKC, case-folded, single-spaced text (still stable, only less forgiving)."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    if kind == "hkid":
        compact = _HKID_NOISE.sub("", text).upper()
        m = _HKID.fullmatch(compact)
        return "".join(m.groups()) if m else compact
    if kind in ("card-number", "fps-id"):
        return _NOT_DIGIT.sub("", text) or text.casefold()
    try:
        if kind == "phone-number":
            return e164(text)
        if kind == "bank-account":
            account = bank_account(text)
            return account.iban or account.account_number or text
    except Invalid:
        return _SEPARATORS.sub("", text).upper() if kind == "bank-account" else text.casefold()
    return text.casefold()


def label(kind: str) -> str:
    return LABELS.get(kind, OTHER)


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """The pseudonym id (`PHONE-…`, no brackets) of a personal value under the key."""
    if len(key) < 16:
        raise ValueError("a pseudonym key has at least 128 bits")
    mac = hmac.new(key, f"{kind}|{canonical(kind, value)}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(mac[: BITS // 8], "big")
    chars = [_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(_CHARS))]
    return f"{label(kind)}-{''.join(chars)}"


def shown(pseudonym_id: str) -> str:
    """How a pseudonym is written in text: in brackets."""
    return f"[{pseudonym_id}]"


def parse(text: object) -> str | None:
    """The pseudonym id in `text` (with or without brackets, any case), or None: never raises."""
    if not isinstance(text, str) or len(text) > MAX_TOKEN:
        return None
    m = TOKEN.fullmatch(text.strip().upper())
    return f"{m.group(1)}-{m.group(2)}" if m else None


_IN_TEXT = re.compile(r"\[(" + "|".join([*LABELS.values(), OTHER]) + r")-([" + _ALPHABET + r"]{16})\]")


def found_in(text: str) -> list[str]:
    """The pseudonym ids written (in brackets) in a text, each once, in order of first appearance."""
    return list(dict.fromkeys(f"{m.group(1)}-{m.group(2)}" for m in _IN_TEXT.finditer(text)))


def substitute(text: str, replacements: Mapping[str, str]) -> str:
    """`text` with every occurrence of each key (ignoring case) replaced by its value, in one pass
    (longest first), so a replacement is never itself searched again."""
    lowered = {needle.lower(): mark for needle, mark in replacements.items() if needle}
    if not lowered:
        return text
    pattern = re.compile("|".join(re.escape(n) for n in sorted(lowered, key=len, reverse=True)), re.IGNORECASE)
    return pattern.sub(lambda m: lowered.get(m.group(0).lower(), m.group(0)), text)


def pseudonyms_of(key: bytes, values: Iterable[tuple[str, str]]) -> dict[str, str]:
    """value -> pseudonym id for each (kind, value)."""
    return {value: pseudonym(key, kind, value) for kind, value in values}


__all__ = ["BITS", "canonical", "found_in", "label", "parse", "pseudonym", "pseudonyms_of", "shown", "substitute"]
