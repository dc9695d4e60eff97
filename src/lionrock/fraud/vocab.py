"""The vocabularies of a fraud report: what kind of scam, and what part the identifier played in it.

Values are lower-case, hyphenated STIX open-vocabulary style strings, so they can travel as
`x_lionrock_scam_type` / `x_lionrock_role` properties unchanged. The scam types follow the
categories the Hong Kong Police Force's Anti-Deception Coordination Centre uses in its public
figures (investment, employment, shopping, romance, impersonation of officials, phishing, loan,
...); `other` keeps a report that fits none of them.
"""

from __future__ import annotations

from enum import StrEnum

from lionrock.errors import Invalid


class ScamType(StrEnum):
    INVESTMENT = "investment"  # fake trading platforms, "pig butchering", crypto schemes
    IMPERSONATION_OF_OFFICIALS = "impersonation-of-officials"  # fake police, mainland officials, customs
    IMPERSONATION_OF_SERVICE = "impersonation-of-service"  # fake bank staff, courier, telecom, customer service
    ROMANCE = "romance"  # online dating and friendship scams
    EMPLOYMENT = "employment"  # fake jobs, "click farming", task scams
    SHOPPING = "shopping"  # goods paid for and never delivered, fake shops
    PHISHING = "phishing"  # links or messages that steal credentials or card details
    LOAN = "loan"  # fee-first loans, fake lenders
    TELEPHONE_DECEPTION = "telephone-deception"  # "guess who I am", kidnapping hoaxes
    ACCOUNT_TAKEOVER = "account-takeover"  # hijacked social-media or messaging accounts asking for money
    RENTAL = "rental"  # fake flats and holiday lets
    OTHER = "other"


class Role(StrEnum):
    """What the identifier did in the scam."""

    RECEIVING_ACCOUNT = "receiving-account"  # where the victim's money went (mule account, FPS id, wallet)
    CALLER = "caller"  # the number that called the victim
    SENDER = "sender"  # the number or address that sent the message (SMS, e-mail, messaging)
    WEBSITE = "website"  # the site the victim was sent to
    CONTACT = "contact"  # the account the scammer talked through (social media, messaging)


SCAM_TYPE_HELP: dict[ScamType, str] = {
    ScamType.INVESTMENT: "fake investment or trading platforms, crypto schemes",
    ScamType.IMPERSONATION_OF_OFFICIALS: "callers posing as police, mainland or HK officials",
    ScamType.IMPERSONATION_OF_SERVICE: "posing as bank staff, couriers, telecom or customer service",
    ScamType.ROMANCE: "online dating and friendship",
    ScamType.EMPLOYMENT: "fake jobs, click-farming and task scams",
    ScamType.SHOPPING: "goods paid for and never delivered",
    ScamType.PHISHING: "links or messages stealing credentials or card details",
    ScamType.LOAN: "fee-first or fake loans",
    ScamType.TELEPHONE_DECEPTION: "'guess who I am', kidnapping hoaxes",
    ScamType.ACCOUNT_TAKEOVER: "hijacked accounts asking contacts for money",
    ScamType.RENTAL: "fake flats and holiday lets",
    ScamType.OTHER: "none of the above",
}


def scam_type(text: str) -> ScamType:
    """The scam type a report names (case, spaces and underscores forgiven); Invalid otherwise."""
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return ScamType(key)
    except ValueError:
        raise Invalid(f"unknown scam type {text!r}; one of: {', '.join(ScamType)}") from None


def role(text: str) -> Role:
    """The role a report names (case, spaces and underscores forgiven); Invalid otherwise."""
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return Role(key)
    except ValueError:
        raise Invalid(f"unknown role {text!r}; one of: {', '.join(Role)}") from None


class AmountBand(StrEnum):
    """How much the victims lost to this identifier, in Hong Kong dollars: a band, never the sum."""

    UNDER_10K = "under-10k"
    FROM_10K = "10k-100k"
    FROM_100K = "100k-1m"
    FROM_1M = "1m-10m"
    OVER_10M = "over-10m"


def amount_band(text: str) -> AmountBand:
    """The amount band a report names (case and spaces forgiven); Invalid otherwise."""
    key = text.strip().lower().replace("_", "-").replace(" ", "")
    try:
        return AmountBand(key)
    except ValueError:
        raise Invalid(f"unknown amount band {text!r}; one of: {', '.join(AmountBand)}") from None
