"""Bank accounts: Hong Kong domestic accounts (bank code, branch, account number) and IBANs.

Canonical forms: an HK account is `BBB-RRR-AAAAAAAAA` (bank code, 3-digit branch, the rest of the
digits), whatever separators it was written with and whether the bank was given by code or by name
("HSBC 123-456789-001"); an IBAN is its electronic form (upper case, no spaces) and must pass the
ISO 13616 mod-97 check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lionrock.errors import Invalid
from lionrock.fraud.clean import clean, compact, label_re, strip_label
from lionrock.fraud.hk_banks import ALIASES, BANKS

_LABEL = label_re(
    "a/c", "a.c.", "ac", "acct", "account", "bank account", "iban", "戶口", "帳戶", "賬戶", "帳號", "賬號"
)
_IBAN_RE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}\Z")
_IBAN_START_RE = re.compile(r"^[A-Z]{2}\d{2}")
_DIGITS_RE = re.compile(r"^\d+\Z")


@dataclass(frozen=True)
class BankAccount:
    """A normalised bank account: either `iban` or the HK parts are set."""

    iban: str | None = None
    bank_code: str | None = None
    branch_code: str | None = None
    number: str | None = None  # the digits after the branch code

    @property
    def account_number(self) -> str | None:
        if self.bank_code is None:
            return None
        return f"{self.bank_code}-{self.branch_code}-{self.number}"


def iban_ok(iban: str) -> bool:
    """ISO 13616: the first four characters moved to the end, letters as 10..35, mod 97 is 1."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def bank_account(raw: str) -> BankAccount:
    """A bank account as people write it; Invalid with the reason otherwise."""
    text = strip_label(clean(raw), _LABEL)
    upper = compact(text).upper()
    if _IBAN_START_RE.match(upper):
        if _IBAN_RE.match(upper) is None:
            raise Invalid(f"{raw!r} looks like an IBAN but is not 15 to 34 letters and digits")
        if not iban_ok(upper):
            raise Invalid(f"{raw!r} fails the IBAN check digits (mod 97)")
        return BankAccount(iban=upper)
    return _hk_account(raw, text)


def _hk_account(raw: str, text: str) -> BankAccount:
    named = None
    lower = text.lower()
    for alias, code in ALIASES:
        rest = lower[len(alias) :]
        if lower.startswith(alias) and not (rest[:1].isascii() and rest[:1].isalpha()):
            named, text = code, text[len(alias) :].lstrip(" :#=")
            break
    digits = compact(strip_label(text.strip(), _LABEL))
    if not digits or _DIGITS_RE.match(digits) is None:
        raise Invalid(f"{raw!r} is not an account number: expected digits, optionally after a bank's name or code")
    if named is not None:
        low, high = BANKS[named].digits
        # "HSBC 004-123-…": the code written after the name too. Where both readings have a valid
        # length (a bank whose length is a range), the repeated code is the likelier one.
        if digits.startswith(named) and low <= len(digits) - 3 <= high:
            digits = digits[3:]
        return _parts(raw, named, digits)
    return _parts(raw, digits[:3], digits[3:])


def _parts(raw: str, code: str, rest: str) -> BankAccount:
    bank = BANKS.get(code)
    if bank is None:
        raise Invalid(f"{raw!r}: {code!r} is not a Hong Kong bank code lionrock knows (see docs/fraud.md)")
    low, high = bank.digits
    if not low <= len(rest) <= high:
        span = str(low) if low == high else f"{low} to {high}"
        raise Invalid(
            f"{raw!r}: {bank.name} ({code}) account numbers have {span} digits after the bank code, not {len(rest)}"
        )
    return BankAccount(bank_code=code, branch_code=rest[:3], number=rest[3:])
