"""The HKID check digit: weights 9..2 over the space-padded letters and six digits (A=10..Z=35,
space=36); the check character is (11 - total mod 11) mod 11, with 10 written as A."""

from __future__ import annotations


def hkid_check(letters: str, digits: str) -> str:
    chars = letters.rjust(2)
    values = [36 if c == " " else ord(c) - 55 for c in chars] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return "A" if expected == 10 else str(expected)


def hkid_ok(letters: str, digits: str, check: str) -> bool:
    """True when `check` is the check character of the letters and six digits."""
    if not (1 <= len(letters) <= 2 and letters.isascii() and letters.isupper() and len(digits) == 6):
        return False
    return digits.isdigit() and check == hkid_check(letters, digits)
