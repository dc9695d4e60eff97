"""Fraud SCOs against the `stix2` library (the oracle): the same ids, the same objects, and an
extension definition the library accepts."""

from __future__ import annotations

import json
import uuid

import pytest
import stix2
from stix2.properties import StringProperty
from stix2.v21 import CustomObservable
from stix2validator import ValidationOptions, validate_instance

from lionrock.fraud.extension import EXTENSION_ID, LIONROCK_IDENTITY, extension_definition, identity
from lionrock.fraud.identifiers import normalise
from lionrock.stix.validate import object_problems


@CustomObservable(
    "bank-account",
    [
        ("value", StringProperty(required=True)),
        ("iban", StringProperty()),
        ("bic", StringProperty()),
        ("account_number", StringProperty()),
        ("bank_code", StringProperty()),
        ("branch_code", StringProperty()),
    ],
    ["iban", "account_number"],
    extension_name=EXTENSION_ID,
)
class LibBankAccount:
    pass


@CustomObservable("phone-number", [("value", StringProperty(required=True))], ["value"])
class LibPhoneNumber:
    pass


@CustomObservable("cryptocurrency-wallet", [("value", StringProperty(required=True))], ["value"])
class LibWallet:
    pass


@CustomObservable("hk-fps-id", [("value", StringProperty(required=True))], ["value"])
class LibFpsId:
    pass


@CustomObservable(
    "e-wallet-account",
    [
        ("provider", StringProperty(required=True)),
        ("account_id", StringProperty(required=True)),
        ("value", StringProperty()),
    ],
    ["provider", "account_id"],
)
class LibEWallet:
    pass


# The library registers an extension for one class only: bank-account carries it, so its whole object
# is compared; the other types are compared without `extensions` (which contributes nothing to ids).


# OpenCTI's own bank-account (pycti) contributes `iban` only; the id's UUID does not depend on the
# type name, so a stand-in type with that rule gives OpenCTI's UUID.
@CustomObservable("x-opencti-bank-account", [("value", StringProperty()), ("iban", StringProperty())], ["iban"])
class OpenCtiBankAccount:
    pass


LIBRARY_CLASSES = {
    "bank-account": LibBankAccount,
    "phone-number": LibPhoneNumber,
    "cryptocurrency-wallet": LibWallet,
    "hk-fps-id": LibFpsId,
    "e-wallet-account": LibEWallet,
}

EXAMPLES = [
    ("bank-account", "HSBC 123-456789-001"),
    ("bank-account", "012-875-1-234567-8"),
    ("bank-account", "GB82 WEST 1234 5698 7654 32"),
    ("phone", "+852 9123 4567"),
    ("phone", "+86 138 0013 8000"),
    ("crypto-wallet", "0x52908400098527886E0F7030069857D2E4169EE7"),
    ("crypto-wallet", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
    ("fps", "FPS ID 1234567"),
    ("e-wallet", "PayMe 9123 4567"),
    ("e-wallet", "AlipayHK mule@example.com"),
]


@pytest.mark.parametrize(("kind", "raw"), EXAMPLES)
def test_extension_scos_are_the_librarys_objects(kind: str, raw: str) -> None:
    ours = normalise(kind, raw).stix()
    cls = LIBRARY_CLASSES[ours["type"]]
    theirs = json.loads(
        cls(**{k: v for k, v in ours.items() if k not in ("type", "id", "spec_version", "extensions")}).serialize()
    )
    assert theirs["id"] == ours["id"]
    if ours["type"] == "bank-account":
        assert theirs == ours
    else:
        assert theirs == {k: v for k, v in ours.items() if k != "extensions"}
        assert ours["extensions"] == {EXTENSION_ID: {"extension_type": "new-sco"}}


@pytest.mark.parametrize(
    ("kind", "raw"),
    [("social", "telegram:@Scam_HK"), ("social", "x:@crypto_sifu"), ("social", "https://wa.me/85291234567")],
)
def test_social_accounts_are_the_librarys_user_accounts(kind: str, raw: str) -> None:
    ours = normalise(kind, raw).stix()
    theirs = stix2.UserAccount(account_type=ours["account_type"], account_login=ours["account_login"])
    assert ours["id"] == theirs.id
    assert not object_problems(ours)


@pytest.mark.parametrize("raw", ["FPS: Mule@Example.com", "mule@example.com"])
def test_fps_email_proxies_are_the_librarys_email_addresses(raw: str) -> None:
    ours = normalise("fps", raw).stix()
    assert ours["id"] == stix2.EmailAddress(value="mule@example.com").id


def test_iban_accounts_have_opencti_ids() -> None:
    ours = normalise("bank-account", "GB82 WEST 1234 5698 7654 32").stix()
    theirs = OpenCtiBankAccount(value=ours["iban"], iban=ours["iban"])
    assert ours["id"].split("--")[1] == theirs.id.split("--")[1]


def test_two_banks_reporting_one_account_produce_one_object() -> None:
    assert (
        normalise("bank-account", "HSBC 123-456789-001").stix()
        == normalise("bank-account", "a/c 004 123 456789 001").stix()
    )


@pytest.mark.parametrize(("kind", "raw"), EXAMPLES)
def test_the_hub_validator_accepts_the_objects_and_checks_their_ids(kind: str, raw: str) -> None:
    ours = normalise(kind, raw).stix()
    assert not object_problems(ours)
    forged = {**ours, "id": f"{ours['type']}--{uuid.uuid5(uuid.NAMESPACE_DNS, 'x')}"}
    assert object_problems(forged)


def test_the_extension_definition_is_a_valid_stix_object() -> None:
    ext = stix2.parse(extension_definition(), allow_custom=False)
    assert ext.id == EXTENSION_ID and ext.created_by_ref == LIONROCK_IDENTITY
    assert list(ext.extension_types) == ["new-sco"]
    assert stix2.parse(identity()).id == LIONROCK_IDENTITY
    assert not object_problems(extension_definition()) and not object_problems(identity())


def test_stix2_validator_accepts_the_objects() -> None:
    objects = [extension_definition(), identity(), *(normalise(kind, raw).stix() for kind, raw in EXAMPLES)]
    objects.append(normalise("social", "t.me/scam_hk").stix())
    for obj in objects:
        result = validate_instance(obj, ValidationOptions(version="2.1"))
        assert result.is_valid, (obj["type"], [str(e) for e in result.errors])
