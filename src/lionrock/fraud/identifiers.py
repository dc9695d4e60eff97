"""Fraud identifiers: one `normalise(kind, raw)` for every way people write them, and their STIX objects.

`normalise` returns an `Identifier` (its canonical properties, STIX type and deterministic id) or
raises `lionrock.errors.Invalid` saying why. Two spellings of one account, number or wallet give
equal identifiers and one id. See docs/fraud.md for the rules of each kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from lionrock.errors import Invalid
from lionrock.fraud.accounts import bank_account
from lionrock.fraud.clean import clean, compact, label_re, strip_label
from lionrock.fraud.crypto import wallet
from lionrock.fraud.extension import EXTENSION_ID, NEW_SCO_TYPES
from lionrock.fraud.phones import e164, looks_like_phone
from lionrock.fraud.social import user_account
from lionrock.stix.sco_ids import deterministic_id
from lionrock.stix.sco_values import sco_value_problems


class Kind(StrEnum):
    """What a caller says a value is. An FPS proxy normalises to the kind of its proxy: an FPS id,
    a phone number (mobile proxy) or an e-mail address (e-mail proxy)."""

    BANK_ACCOUNT = "bank-account"
    PHONE = "phone"
    FPS = "fps"
    FPS_ID = "fps-id"
    EMAIL = "email"
    E_WALLET = "e-wallet"
    CRYPTO_WALLET = "crypto-wallet"
    SOCIAL = "social"


_STIX_TYPES = {
    Kind.BANK_ACCOUNT: "bank-account",
    Kind.PHONE: "phone-number",
    Kind.FPS_ID: "hk-fps-id",
    Kind.EMAIL: "email-addr",
    Kind.E_WALLET: "e-wallet-account",
    Kind.CRYPTO_WALLET: "cryptocurrency-wallet",
    Kind.SOCIAL: "user-account",
}


@dataclass(frozen=True)
class Identifier:
    """A normalised identifier. `kind` is never FPS: an FPS proxy becomes what it is."""

    kind: Kind
    properties: tuple[tuple[str, str], ...]  # the SCO's properties, canonical, sorted by name

    @property
    def sco_type(self) -> str:
        return _STIX_TYPES[self.kind]

    @property
    def value(self) -> str:
        """The canonical text, as a check page shows it."""
        props = dict(self.properties)
        if self.kind is Kind.SOCIAL:
            return f"{props['account_type']}:{props['account_login']}"
        return props["value"]

    @cached_property
    def id(self) -> str:
        """The STIX 2.1 deterministic id (worked out once: the check reads it several times)."""
        sco_id = deterministic_id({"type": self.sco_type, **dict(self.properties)})
        assert sco_id is not None  # every type is registered and every identifier has a contributing property
        return sco_id

    def stix(self) -> dict[str, Any]:
        """The STIX 2.1 SCO, with its deterministic id."""
        obj: dict[str, Any] = {"type": self.sco_type, "spec_version": "2.1", "id": self.id, **dict(self.properties)}
        if self.sco_type in NEW_SCO_TYPES:
            obj["extensions"] = {EXTENSION_ID: {"extension_type": "new-sco"}}
        return obj


def _ident(kind: Kind, **props: str | None) -> Identifier:
    return Identifier(kind, tuple(sorted((k, v) for k, v in props.items() if v is not None)))


_FPS_LABEL = label_re("fps id", "fps", "faster payment", "proxy", "轉數快", "轉數快id")
_FPS_ID_LABEL_RE = re.compile(r"^(?:fps\s*(?:id|identifier)|轉數快\s*id)", re.IGNORECASE)
_FPS_ID_RE = re.compile(r"^\d{7,9}\Z")
_EMAIL_LABEL = label_re("email", "e-mail", "mailto:", "電郵")


def _email(raw: str) -> str:
    value = strip_label(clean(raw), _EMAIL_LABEL).replace(" ", "").lower()
    for problem in sco_value_problems("email-addr", {"value": value}):
        raise Invalid(f"{raw!r}: {problem}")
    return value


def _fps(raw: str) -> Identifier:
    """An FPS proxy id: e-mail, mobile number, or FPS id. Eight digits are a mobile number when they
    are a valid HK number, unless labelled 'FPS ID'; 7 and 9 digits are FPS ids."""
    text = clean(raw)
    labelled_id = _FPS_ID_LABEL_RE.match(text) is not None
    text = strip_label(text, _FPS_LABEL)
    if "@" in text:
        return _ident(Kind.EMAIL, value=_email(text))
    digits = compact(text)
    if _FPS_ID_RE.match(digits) and (labelled_id or len(digits) != 8 or not looks_like_phone(digits)):
        return _ident(Kind.FPS_ID, value=digits)
    if looks_like_phone(text):
        return _ident(Kind.PHONE, value=e164(text))
    raise Invalid(f"{raw!r} is not an FPS proxy id: expected a 7-9 digit FPS id, a mobile number or an e-mail")


_PROVIDERS: dict[str, str] = {
    "payme": "payme",
    "alipayhk": "alipayhk",
    "alipay hk": "alipayhk",
    "alipay": "alipayhk",
    "wechat pay hk": "wechatpay-hk",
    "wechat pay": "wechatpay-hk",
    "wechatpay": "wechatpay-hk",
    "微信支付": "wechatpay-hk",
    "octopus": "octopus",
    "八達通": "octopus",
    "tap & go": "tapngo",
    "tap and go": "tapngo",
    "tapngo": "tapngo",
    "bocpay": "bocpay",
    "boc pay": "bocpay",
}
_PROVIDER_NAMES = sorted(_PROVIDERS, key=len, reverse=True)
_ACCOUNT_ID_RE = re.compile(r"^[A-Za-z0-9]{4,40}\Z")


def _e_wallet(raw: str) -> Identifier:
    """'provider:account' or 'provider account'; the account is a phone number (E.164), an e-mail
    (lower-cased) or the provider's id without separators (lower-cased)."""
    text = clean(raw)
    lower = text.lower()
    provider = next((name for name in _PROVIDER_NAMES if lower.startswith(name)), None)
    if provider is None:
        raise Invalid(
            f"{raw!r}: name the e-wallet provider first (one of: {', '.join(sorted(set(_PROVIDERS.values())))})"
        )
    account = text[len(provider) :].strip(" :/-#")
    if "@" in account:
        account_id = _email(account)
    elif looks_like_phone(account):
        account_id = e164(account)
    else:
        account_id = compact(account).lower()
        if _ACCOUNT_ID_RE.match(account_id) is None:
            raise Invalid(f"{raw!r}: an e-wallet account id is a phone number, an e-mail or 4-40 letters and digits")
    key = _PROVIDERS[provider]
    return _ident(Kind.E_WALLET, provider=key, account_id=account_id, value=f"{key}:{account_id}")


def _bank(raw: str) -> Identifier:
    account = bank_account(raw)
    if account.iban is not None:
        return _ident(Kind.BANK_ACCOUNT, iban=account.iban, value=account.iban)
    return _ident(
        Kind.BANK_ACCOUNT,
        account_number=account.account_number,
        bank_code=account.bank_code,
        branch_code=account.branch_code,
        value=account.account_number,
    )


def _social(raw: str) -> Identifier:
    account_type, login = user_account(raw)
    return _ident(Kind.SOCIAL, account_type=account_type, account_login=login)


def normalise(kind: Kind | str, raw: str) -> Identifier:
    """The identifier `raw` names, read as `kind`; Invalid with the reason when it is not one."""
    try:
        k = Kind(kind)
    except ValueError:
        raise Invalid(f"unknown identifier kind {kind!r}; one of: {', '.join(Kind)}") from None
    if k is Kind.BANK_ACCOUNT:
        return _bank(raw)
    if k is Kind.PHONE:
        return _ident(Kind.PHONE, value=e164(raw))
    if k is Kind.FPS:
        return _fps(raw)
    if k is Kind.FPS_ID:
        digits = compact(strip_label(clean(raw), _FPS_LABEL))
        if _FPS_ID_RE.match(digits) is None:
            raise Invalid(f"{raw!r} is not an FPS id: 7 to 9 digits")
        return _ident(Kind.FPS_ID, value=digits)
    if k is Kind.EMAIL:
        return _ident(Kind.EMAIL, value=_email(raw))
    if k is Kind.E_WALLET:
        return _e_wallet(raw)
    if k is Kind.CRYPTO_WALLET:
        return _ident(Kind.CRYPTO_WALLET, value=wallet(raw))
    return _social(raw)
