"""Pkcs11Provider against a real SoftHSM2 token: wrap/unwrap inside the token, destroy, wrong key."""

from __future__ import annotations

import pytest

from lionrock.crypto.envelope import new_data_key
from lionrock.crypto.hsm import Pkcs11Provider
from lionrock.crypto.provider import KeyGone, KeyProviderError
from tests.crypto.softhsm import Token


@pytest.fixture
def provider(softhsm: Token) -> Pkcs11Provider:
    return Pkcs11Provider(softhsm.library, softhsm.label, softhsm.pin)


def test_wrap_unwrap_round_trip_on_the_token(provider: Pkcs11Provider, softhsm: Token) -> None:
    kek = provider.create_kek("intake")
    dek = new_data_key()
    wrapped = provider.wrap(kek, dek)
    assert dek not in wrapped and len(wrapped) == 40
    again = Pkcs11Provider(softhsm.library, softhsm.label, softhsm.pin)  # another session, the same token
    assert again.unwrap(kek, wrapped) == dek


def test_the_kek_never_leaves_the_token(provider: Pkcs11Provider, softhsm: Token) -> None:
    import pkcs11

    kek = provider.create_kek("intake")
    token = pkcs11.lib(softhsm.library).get_token(token_label=softhsm.label)
    with token.open(user_pin=softhsm.pin) as session:
        key = session.get_key(label=kek, object_class=pkcs11.ObjectClass.SECRET_KEY)
        assert key[pkcs11.Attribute.EXTRACTABLE] is False and key[pkcs11.Attribute.SENSITIVE] is True
        with pytest.raises(pkcs11.PKCS11Error):
            key[pkcs11.Attribute.VALUE]


def test_the_wrong_kek_and_tampered_wraps_are_refused(provider: Pkcs11Provider) -> None:
    one, two = provider.create_kek("intake"), provider.create_kek("intake")
    wrapped = provider.wrap(one, new_data_key())
    with pytest.raises(KeyProviderError):
        provider.unwrap(two, wrapped)
    tampered = bytearray(wrapped)
    tampered[-1] ^= 1
    with pytest.raises(KeyProviderError):
        provider.unwrap(one, bytes(tampered))


def test_a_destroyed_kek_is_gone(provider: Pkcs11Provider) -> None:
    kek = provider.create_kek("intake")
    wrapped = provider.wrap(kek, new_data_key())
    provider.destroy(kek)
    provider.destroy(kek)  # idempotent
    with pytest.raises(KeyGone):
        provider.unwrap(kek, wrapped)
    with pytest.raises(KeyGone):
        provider.wrap(kek, new_data_key())


def test_a_wrong_pin_or_token_is_a_clear_error(softhsm: Token) -> None:
    with pytest.raises(KeyProviderError, match="cannot open the PKCS#11 token"):
        Pkcs11Provider(softhsm.library, "no-such-token", softhsm.pin)
    with pytest.raises(KeyProviderError, match="cannot log in"):
        Pkcs11Provider(softhsm.library, softhsm.label, "000000").create_kek("intake")
