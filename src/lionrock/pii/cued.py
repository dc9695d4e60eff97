"""Card and phone numbers in any written form, found by the word that announces them.

Presidio's card recognizer knows a fixed set of issuer prefixes and lengths, and its phone
recognizer the formats of the regions it is given; numbers written otherwise (a 12-digit Maestro,
a 15-digit JCB, a 7-digit local phone, an extension) are missed. Here a run of digits is taken
when a cue names it (*card*, *cc*; *phone*, *fax*, *mobile*, *call* ...) and its form holds up: the
Luhn check for a card, 7 to 15 digits in phone-like groups for a phone. Eight bare digits stay
with the Hong Kong phone recognizer, which knows which of them Hong Kong issues."""

from __future__ import annotations

import re

from lionrock.pii.base import RegexRecognizer, cue_before

_CARD_CUE = re.compile(
    r"(?i)\b(?:card|cc|visa|master ?card|amex|credit|debit|maestro|jcb|unionpay|diners)\b|信用卡|扣賬卡|卡號|咭"
)
_CARD = re.compile(r"(?<![\d-])\d{4}(?:[ -]?\d){8,15}(?![\d-])")


def luhn_ok(digits: str) -> bool:
    """The Luhn check digit that every payment card number carries."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _card(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    digits = re.sub(r"\D", "", m.group())
    if not 12 <= len(digits) <= 19 or not luhn_ok(digits) or not cue_before(_CARD_CUE, text, m.start(), 30):
        return None
    return m.span()


# Words that name a phone number (not "contact", "office" or "message": threat reports' tables and
# headers are full of them).
_PHONE_CUE = re.compile(
    r"(?i)\b(?:tel|phone|telephone|call|mobile|cell|fax|desk|whatsapp|sms|dial|hotline|answer(?:ing)?)\b"
    r"|電話|手機|致電|傳真"
)
# Weaker words, enough for digits already written in a phone's groups (781 1704 office, messages to
# 056 590 36 33), never for a bare run of digits in a table.
_GROUPED_PHONE_CUE = re.compile(
    rf"{_PHONE_CUE.pattern}|(?i:\b(?:office|home|work|messages?|texts?|contact|reach|registered)\b)"
)
_NOT_PHONE_CUE = re.compile(
    r"(?i)\b(?:order|invoice|ref|reference|ticket|case|txn|transaction|receipt|tracking|amount|account|a/c|card|cc|"
    r"iban|id|passport|licen[cs]e|ssn)\b|hk\$|\$|訂單|編號|參考|金額|港幣|戶口"
)
# An optional + or 00 and country code, then groups of digits joined by one space, hyphen, dot or
# bracket, then an optional extension.
_PHONE = re.compile(
    r"(?<![\w+.\-/\[\]:%])(?:\+|00)?(?:\(\d{1,4}\) ?|\d{1,4})(?:[ .\-]?\(?\d{1,5}\)?){1,5}"
    r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?(?![\w/:\[\]]|\.\d|-\d)",
    re.IGNORECASE,
)
_HK_FORM = re.compile(r"\d{4}[ -]?\d{4}")
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[.-]\d{1,2}[.-]\d{4}|\d{4}\.\d{1,2}\.\d{1,2}")


def _phone(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    written = m.group()
    main = re.split(r"(?i)\s?(?:x|ext)", written)[0]
    digits = re.sub(r"\D", "", main)
    international = written.startswith(("+", "00"))
    if not 7 <= len(digits) <= 15 or _DATE_LIKE.fullmatch(main) or written.count(".") in (1, 3):
        return None  # a date, a decimal, an IP address
    groups = re.findall(r"\d+", main)
    if len(groups) > 1 and max(map(len, groups)) > 6:
        return None  # a date stamp or a build number with a suffix (20180216-00), not a phone's groups
    if len(groups) >= 4 and all(len(g) == 2 for g in groups) and " " in main and not main.startswith(("0", "+")):
        return None  # hex bytes (49 43 48 41 45); a phone in pairs starts with its 0 or +
    if len(digits) == 8 and not international and _HK_FORM.fullmatch(main):
        return None  # Hong Kong's own form: the HK recognizer decides (it knows which numbers HK issues)
    grouped = len(groups) > 1
    cues = _PHONE_CUE if not grouped else _GROUPED_PHONE_CUE
    cued = cue_before(cues, text, m.start(), 30) or (grouped and cues.search(text, m.end(), m.end() + 15) is not None)
    if not cued or cue_before(_NOT_PHONE_CUE, text, m.start(), 20):
        return None  # a bare run of digits needs a phone word before it
    return m.span()


def cued_recognizers() -> list[RegexRecognizer]:
    return [
        RegexRecognizer("CREDIT_CARD", "CuedCardRecognizer", _CARD, _card, 0.9),
        RegexRecognizer("PHONE_NUMBER", "CuedPhoneRecognizer", _PHONE, _phone, 0.55),
    ]
