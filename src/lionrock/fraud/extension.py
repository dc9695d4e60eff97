"""The STIX extension-definition lionrock ships for fraud observables, and their id rules.

Decision: **new SCO types** (`extension_types: ["new-sco"]`), not property extensions. A property
extension adds properties to an existing type, and no STIX type fits a bank account, an FPS id or a
wallet; the spec's ids are computed over top-level properties, so the properties that say *which*
account it is must be top-level to make two banks' reports of one account one object.

Where another platform already names the type, lionrock uses that name and those properties
(OpenCTI's custom observables `bank-account` {value, iban, bic, account_number}, `phone-number`
{value}, `cryptocurrency-wallet` {value}), so their objects and ours are the same objects:

- `bank-account` {value, iban, bic, account_number, bank_code, branch_code}: ID-contributing `iban`
  and `account_number`. OpenCTI's contributes `iban` alone; an HK account has no IBAN, so its
  `account_number` (`BBB-RRR-…`) contributes too. IBAN accounts never carry `account_number`, so
  their id is OpenCTI's. `bank_code` and `branch_code` are lionrock's additions.
- `phone-number` {value}: E.164; ID-contributing `value`.
- `cryptocurrency-wallet` {value}: the canonical address (crypto.py); ID-contributing `value`.
- `hk-fps-id` {value}: the 7-9 digit FPS identifier; ID-contributing `value`. FPS mobile and
  e-mail proxies are `phone-number` and `email-addr` objects: one number, one id, however used.
- `e-wallet-account` {provider, account_id, value}: stored-value accounts (PayMe, AlipayHK,
  Octopus, …); ID-contributing `provider` and `account_id`.
- Social and messaging accounts are the spec's own `user-account` (account_type, account_login).

Importing this module registers the id rules with `lionrock.stix.sco_ids`, so the hub's validator
checks these objects' ids once `lionrock.fraud` is loaded.
"""

from __future__ import annotations

from typing import Any

from lionrock.stix.sco_ids import register_sco_type

EXTENSION_ID = "extension-definition--11b7860c-4021-4eac-91be-fcd195f5691b"
LIONROCK_IDENTITY = "identity--a6df593b-4e9e-4f38-8104-3dd2df2c5b48"
_CREATED = "2026-11-23T00:00:00.000Z"

ID_CONTRIBUTING: dict[str, tuple[str, ...]] = {
    "bank-account": ("iban", "account_number"),
    "phone-number": ("value",),
    "cryptocurrency-wallet": ("value",),
    "hk-fps-id": ("value",),
    "e-wallet-account": ("provider", "account_id"),
}
NEW_SCO_TYPES = frozenset(ID_CONTRIBUTING)

for _type, _props in ID_CONTRIBUTING.items():
    register_sco_type(_type, _props)

SCHEMA = """lionrock fraud observables 1.0 (new SCO types; see docs/fraud.md in the lionrock repository).
bank-account: value (string, required: the iban or account_number), iban (string: ISO 13616, electronic form,
mod-97 valid), bic (string), account_number (string: Hong Kong 'BBB-RRR-A…' bank code, branch code, account),
bank_code (string: 3-digit HKICL bank code), branch_code (string: 3 digits). ID-contributing: iban, account_number.
phone-number: value (string, required: E.164). ID-contributing: value.
cryptocurrency-wallet: value (string, required: bitcoin base58check or bech32 lower-case, 0x + 40 lower-case hex,
TRON base58check). ID-contributing: value.
hk-fps-id: value (string, required: 7 to 9 digits, a Faster Payment System identifier). ID-contributing: value.
e-wallet-account: provider (string, required: lower-case provider name), account_id (string, required: E.164 phone,
lower-case e-mail, or the provider's id without separators), value (string: 'provider:account_id').
ID-contributing: provider, account_id."""


def identity() -> dict[str, Any]:
    """The identity that authors the extension definition."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": LIONROCK_IDENTITY,
        "created": _CREATED,
        "modified": _CREATED,
        "name": "lionrock project",
        "identity_class": "organization",
    }


def extension_definition() -> dict[str, Any]:
    """The extension-definition object; every fraud SCO of a new type names it in `extensions`."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created_by_ref": LIONROCK_IDENTITY,
        "created": _CREATED,
        "modified": _CREATED,
        "name": "lionrock fraud observables",
        "description": "Bank accounts, phone numbers, cryptocurrency wallets, Hong Kong FPS ids and e-wallet accounts "
        "as STIX cyber-observables with deterministic ids.",
        "schema": SCHEMA,
        "version": "1.0.0",
        "extension_types": ["new-sco"],
    }
