"""Phone numbers in E.164, parsed with `phonenumbers` (Google's libphonenumber metadata), default region HK.

Accepted: '+852 9123 4567', '852-91234567', '00852 9123 4567', '(852) 9123-4567', '9123 4567',
full-width digits, 'Tel:'/'電話:' labels, 'tel:' URIs. An 11-digit number starting 852 is read as
+852 (an HK national number has 8 digits, so it cannot be one); '00' is the international prefix.
The number must be a valid number for its region, not merely possible.
"""

from __future__ import annotations

import re

import phonenumbers

from lionrock.errors import Invalid
from lionrock.fraud.clean import clean, compact, label_re, strip_label

DEFAULT_REGION = "HK"
_LABEL = label_re("tel:", "tel", "phone", "mobile", "mob", "call", "whatsapp", "sms", "電話", "手機", "電話號碼")
_NUMBER_RE = re.compile(r"^\+?\d{3,17}\Z")
_HK_WITH_CODE_RE = re.compile(r"^852\d{8}\Z")


def e164(raw: str, region: str = DEFAULT_REGION) -> str:
    """The E.164 form of a phone number; Invalid with the reason otherwise."""
    number = compact(strip_label(clean(raw), _LABEL))
    if number.startswith("00"):
        number = "+" + number[2:]
    elif _HK_WITH_CODE_RE.match(number):
        number = "+" + number
    if _NUMBER_RE.match(number) is None:
        raise Invalid(f"{raw!r} is not a phone number: expected digits, optionally after +, 00 or a country code")
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as exc:
        raise Invalid(f"{raw!r} is not a phone number: {exc}") from None
    if not phonenumbers.is_valid_number(parsed):
        where = phonenumbers.region_code_for_number(parsed) or f"+{parsed.country_code}"
        raise Invalid(f"{raw!r} is not a valid phone number in {where} (no such number range)")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def looks_like_phone(text: str) -> bool:
    """True where the text is a valid phone number for the default region or with a country code."""
    try:
        e164(text)
    except Invalid:
        return False
    return True
