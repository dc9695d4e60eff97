"""Personal data found by lionrock.pii's engine, as intake findings.

Kept beside the regex extractor's own findings (it runs first and wins where both see a value):
HKIDs, card numbers and addresses are always personal data; names only where the deciding cue of
their clause is a personal one (victim, customer, Mr ...; Chinese names come with their own cue);
phone numbers, bank accounts, IBANs and FPS ids go through the same victim-versus-attacker cue as
the extractor's."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from lionrock.pii.base import CJK
from lionrock.pii.engine import Span, detect_document

# Engine entity -> intake finding type, and whether the context decides (False: always personal).
KINDS: dict[str, tuple[str, bool]] = {
    "HKID": ("hkid", False),
    "CREDIT_CARD": ("card-number", False),
    "HK_ADDRESS": ("address", False),
    "STREET_ADDRESS": ("address", False),
    "PERSON": ("person-name", True),
    "PHONE_NUMBER": ("phone-number", True),
    "HK_BANK_ACCOUNT": ("bank-account", True),
    "IBAN_CODE": ("bank-account", True),
    "HK_FPS_ID": ("fps-id", True),
}
_HKID_PARTS = re.compile(r"([A-Z]{1,2}) ?(\d{6}) ?[(（]? ?([0-9A]) ?[)）]?")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PersonalSpan:
    kind: str
    value: str
    start: int
    end: int
    contextual: bool  # the clause's cue decides; else always personal


def _value(kind: str, written: str) -> str | None:
    if kind == "hkid":
        m = _HKID_PARTS.fullmatch(written)
        return f"{m.group(1)}{m.group(2)}({m.group(3)})" if m else None
    if kind == "card-number":
        return re.sub(r"\D", "", written)
    if kind == "phone-number":
        try:
            number = phonenumbers.parse(written, "HK")
        except phonenumbers.NumberParseException:
            return None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind == "bank-account":
        return _SPACES.sub("", written).upper() if written[:2].isalpha() else _SPACES.sub("-", written)
    return _SPACES.sub(" ", written).strip()


def personal_spans(text: str, detect: Callable[[str], list[Span]] = detect_document) -> list[PersonalSpan]:
    """The engine's findings in `text` that intake keeps, with their normalised values."""
    out = []
    for span in detect(text):
        kind_rule = KINDS.get(span.entity)
        if kind_rule is None:
            continue
        kind, contextual = kind_rule
        value = _value(kind, span.text)
        if value is None:
            continue
        # A Chinese name comes from a cue (受害人, 先生 ...) and needs no second one.
        out.append(PersonalSpan(kind, value, span.start, span.end, contextual and not CJK.search(span.text)))
    return out
