"""Hong Kong identifiers: HKID (check digit), phone numbers (+852 metadata), bank accounts (bank code
and length from lionrock.fraud) and FPS ids (only beside an FPS cue)."""

from __future__ import annotations

import re

import phonenumbers

from lionrock.errors import Invalid
from lionrock.fraud.accounts import bank_account
from lionrock.pii.base import RegexRecognizer, cue_before, cue_near
from lionrock.pii.hkid import hkid_ok

# A123456(7), A1234567, AB123456(A), A 123456 (7), A123456（7） with full-width brackets.
_HKID = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,2}) ?(\d{6}) ?(?:[(（] ?([0-9A]) ?[)）]|([0-9A]))(?![A-Za-z0-9])")


def _hkid(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    check = m.group(3) or m.group(4)
    return m.span() if hkid_ok(m.group(1), m.group(2), check) else None


# +852 / 852 / 00852 then 8 digits (4+4, any of space or hyphen), or 8 local digits.
_PHONE = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)?852[ -]?|\(\+?852\) ?)?[2-9]\d{3}[ -]?\d{4}(?![\w-])")
_PHONE_CUE = re.compile(
    r"(?i)\b(?:tel|phone|telephone|call|called|calls|caller|whatsapp|sms|text|mobile|contact|dial|hotline|number)\b"
    r"|電話|手機|致電|來電|聯絡|聯繫|號碼|WhatsApp|短訊"
)
_NOT_PHONE_CUE = re.compile(
    r"(?i)\b(?:order|invoice|ref|reference|ticket|case|txn|transaction|receipt|tracking|amount|hk\$|\$)"
    r"|訂單|編號|參考|金額|港幣"
)


def _phone(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    written = m.group()
    digits = re.sub(r"\D", "", written)
    international = len(digits) == 11
    if not international and (
        not cue_near(_PHONE_CUE, text, *m.span()) or cue_before(_NOT_PHONE_CUE, text, m.start(), 25)
    ):
        return None  # eight bare digits: an order number as often as a phone number
    try:
        number = phonenumbers.parse(digits[-8:], "HK")
    except phonenumbers.NumberParseException:
        return None
    return m.span() if phonenumbers.is_valid_number(number) else None


# Bank code - branch - account with separators (004-123-456789-001, 012 345 67890123), or the
# digits run together; either beside an account cue.
_ACCOUNT = re.compile(r"(?<![0-9A-Za-z-])(?:\d{3}[- ]\d{3}[- ]\d{3,9}(?:[- ]\d{3})?|\d{12,15})(?![0-9A-Za-z-])")
_ACCOUNT_CUE = re.compile(
    r"(?i)\b(?:account|a/c|acct|bank|transfer(?:red)?|deposit(?:ed)?|beneficiary|payee)\b|戶口|帳戶|賬戶|帳號|賬號|銀行|轉賬|轉帳|存入"
)


def _account(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    written = m.group()
    if not cue_before(_ACCOUNT_CUE, text, m.start(), 40):
        return None  # "Order 012-345-678901" reads as a bank account as well as an order number
    try:
        bank_account(written)
    except Invalid:
        return None
    return m.span()


_FPS_CUE = re.compile(r"(?i)\bFPS\b|faster payment|轉數快")
_FPS_ID = re.compile(r"(?<![0-9A-Za-z-])\d{7,9}(?![0-9A-Za-z-])")


def _fps(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    return m.span() if cue_before(_FPS_CUE, text, m.start(), 30) else None


def hk_id_recognizers() -> list[RegexRecognizer]:
    return [
        RegexRecognizer("HKID", "HkidRecognizer", _HKID, _hkid, 1.0),
        RegexRecognizer("PHONE_NUMBER", "HkPhoneRecognizer", _PHONE, _phone, 0.9),
        RegexRecognizer("HK_BANK_ACCOUNT", "HkBankAccountRecognizer", _ACCOUNT, _account, 0.9),
        RegexRecognizer("HK_FPS_ID", "HkFpsIdRecognizer", _FPS_ID, _fps, 0.9),
    ]
