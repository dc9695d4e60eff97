"""Generated fraud identifiers for benchmarks/fraud_check.py: canonical values, their STIX ids, their
reports, and written (un-normalised) spellings, all a pure function of an index.

Index i names one identifier; i % 8 picks its kind (phone 2/8, HK bank account 3/8, FPS id 1/8,
e-wallet 2/8) and each kind maps its own sub-index injectively to a value, so indices never collide
and indices at or beyond N are values nobody reported (the misses). Canonical values are built
directly and ids computed with `lionrock.stix.sco_ids` (what `Identifier.id` does), 10 million
`normalise()` calls being far slower; `written()` gives spellings people use, and the benchmark
and its test check that `normalise()` of those gives the same value and id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import phonenumbers

from lionrock.fraud import extension  # noqa: F401  (registers the extension SCO types' id rules)
from lionrock.fraud.hk_banks import BANKS
from lionrock.fraud.vocab import AmountBand, ScamType
from lionrock.stix.sco_ids import deterministic_id

DAY_US = 86_400 * 1_000_000
VERSION = 1  # bump when what is generated changes: it keys the kept databases
_CODES = tuple(sorted(BANKS))
_SCAMS = tuple(ScamType)
_BANDS = (None, *(b.value for b in AmountBand))
_PERMUTE = 282_475_249  # 7**10: coprime with 2, 3 and 5, so x -> x * _PERMUTE mod 10**k (or 9 * 10**8) permutes


@cache
def mobile_prefixes() -> tuple[str, ...]:
    """Four-digit prefixes of HK mobile numbers (5, 6, 9) that phonenumbers holds valid at both ends."""
    out = []
    for first in "569":
        for rest in range(1000):
            prefix = f"{first}{rest:03d}"
            if all(
                phonenumbers.is_valid_number(phonenumbers.parse(f"+852{prefix}{tail}")) for tail in ("0000", "9999")
            ):
                out.append(prefix)
    return tuple(out)


def _phone(p: int) -> str:
    prefixes = mobile_prefixes()
    return f"+852{prefixes[p // 10_000 % len(prefixes)]}{p * _PERMUTE % 10_000:04d}"


@dataclass(frozen=True)
class Generated:
    kind: str  # the identifier kind as the hub stores it
    value: str  # canonical
    id: str  # STIX deterministic id


def _mix(i: int) -> int:
    return (i * 2_654_435_761 + 97) % 4_294_967_296


def identifier(i: int) -> Generated:
    slot, j = i % 8, i // 8
    if slot < 2:
        value = _phone(j * 2 + slot)
        return Generated("phone", value, _id("phone-number", value=value))
    if slot < 5:
        b = j * 3 + slot - 2
        code, rest = _CODES[b % len(_CODES)], b // len(_CODES)
        branch, account = rest % 1000, rest // 1000 * _PERMUTE % 1_000_000_000
        number = f"{code}-{branch:03d}-{account:09d}"
        return Generated("bank-account", number, _id("bank-account", account_number=number))
    if slot == 5:
        value = f"{100_000_000 + j * _PERMUTE % 900_000_000}"
        return Generated("fps-id", value, _id("hk-fps-id", value=value))
    if slot == 6:
        account = _phone(j)
        return Generated("e-wallet", f"payme:{account}", _id("e-wallet-account", provider="payme", account_id=account))
    account = f"1{j * _PERMUTE % 1_000_000_000:09d}"
    return Generated("e-wallet", f"tapngo:{account}", _id("e-wallet-account", provider="tapngo", account_id=account))


def _id(sco_type: str, **props: str) -> str:
    sco_id = deterministic_id({"type": sco_type, **props})
    assert sco_id is not None
    return sco_id


def written(i: int) -> tuple[str, str]:
    """(kind, value) as a person or a payment form might write identifier i."""
    g, style = identifier(i), _mix(i) % 4
    if g.kind == "phone":
        local = g.value[4:]
        spaced = f"{local[:4]} {local[4:]}"
        return (
            ("fps", f"FPS: {spaced}") if style == 3 else ("phone", (spaced, f"+852 {local}", f"(852) {spaced}")[style])
        )
    if g.kind == "bank-account":
        code, branch, account = g.value.split("-")
        bank = BANKS[code]
        if style == 0 and bank.aliases and branch != code:
            return "bank-account", f"{bank.aliases[0].upper()} {branch}-{account[:6]}-{account[6:]}"
        if style == 1:
            return "bank-account", f"a/c {code}.{branch}.{account}"
        return "bank-account", f"{code} {branch} {account[:3]} {account[3:6]} {account[6:]}"
    if g.kind == "fps-id":
        v = g.value
        return ("fps-id" if style % 2 else "fps"), f"FPS ID: {v[:3]} {v[3:6]} {v[6:]}"
    provider, account = g.value.split(":")
    if provider == "payme":
        return "e-wallet", f"PayMe {account[4:8]} {account[8:]}"
    return "e-wallet", f"Tap & Go {account[:4]}-{account[4:8]}-{account[8:]}"


ReportRow = tuple[str, str, str, int, str, str, int, str | None, int, None, int]
"""fraud_reports columns after id: identifier_id, kind, value, org_id, scam_type, role, reported,
amount_band, confidence, notes, created."""


def reports(i: int, org_ids: tuple[int, ...], now_us: int) -> Iterator[ReportRow]:
    """One to three reports (60 % one, 30 % two, 10 % three), each from a different organisation,
    confidence 50-100, dated within the last 90 days: recent enough that every reported identifier
    is at least 'low' (a phone's half-life is 60 days), so the benchmark can tell hits from misses."""
    g, h = identifier(i), _mix(i)
    n = 1 + (h % 10 >= 6) + (h % 10 >= 9)
    role = "caller" if g.kind == "phone" else "receiving-account"
    for r in range(n):
        hr = _mix(h + r)
        yield (
            g.id,
            g.kind,
            g.value,
            org_ids[(h + r) % len(org_ids)],
            _SCAMS[hr % len(_SCAMS)].value,
            role,
            now_us - (hr >> 8) % 90 * DAY_US,
            _BANDS[hr % len(_BANDS)],
            50 + hr % 51,
            None,
            now_us,
        )
