"""Normalisation: every written form of an identifier gives one canonical value and one id; bad
values are refused with a reason."""

from __future__ import annotations

import pytest

from lionrock.errors import Invalid
from lionrock.fraud.identifiers import Kind, normalise

SAME_VALUE = [
    # (kind, written forms, canonical value, normalised kind)
    (
        "phone",
        [
            "+852 9123 4567",
            "852-91234567",
            "85291234567",
            "00852 9123 4567",
            "(852) 9123-4567",
            "(+852) 9123 4567",
            "9123 4567",
            "9123-4567",
            "91234567",
            "９１２３ ４５６７",
            "＋８５２ ９１２３ ４５６７",
            "Tel: +852 9123 4567",
            "tel:+852-9123-4567",
            "電話：9123 4567",
            " '9123 4567'. ",
        ],
        "+85291234567",
        Kind.PHONE,
    ),
    ("phone", ["2123 4567", "+852 2123-4567"], "+85221234567", Kind.PHONE),
    ("phone", ["+86 138 0013 8000", "0086 13800138000", "+86-138-0013-8000"], "+8613800138000", Kind.PHONE),
    (
        "bank-account",
        [
            "004-123-456789-001",
            "004 123 456789 001",
            "004123456789001",
            "HSBC 123-456789-001",
            "hsbc: 123 456789 001",
            "HSBC (004) 123-456789-001",
            "HSBC 004-123-456789-001",
            "滙豐 123-456789-001",
            "A/C No.: 004-123-456789-001",
            "a/c 004.123.456789.001",
            "Account number: 004/123/456789/001",
            "戶口號碼：004-123-456789-001",
            "００４－１２３－４５６７８９－００１",
            '"004-123-456789-001".',
        ],
        "004-123-456789001",
        Kind.BANK_ACCOUNT,
    ),
    (
        "bank-account",
        ["012-875-1-234567-8", "Bank of China 875-1-234567-8", "中銀 012 875 1234567 8", "BOCHK 01287512345678"],
        "012-875-12345678",
        Kind.BANK_ACCOUNT,
    ),
    (
        "bank-account",
        ["388-123-456789", "livi 123456789", "Livi Bank: 388 123 456 789"],
        "388-123-456789",
        Kind.BANK_ACCOUNT,
    ),
    (
        "bank-account",
        ["GB82 WEST 1234 5698 7654 32", "gb82west12345698765432", "IBAN: GB82-WEST-1234-5698-7654-32"],
        "GB82WEST12345698765432",
        Kind.BANK_ACCOUNT,
    ),
    ("fps", ["FPS ID: 1234567", "FPS 1234567", "fps id 123-4567", "轉數快 1234567", "1234567"], "1234567", Kind.FPS_ID),
    ("fps", ["FPS ID 123456789", "123456789"], "123456789", Kind.FPS_ID),
    ("fps", ["FPS ID: 91234567", "fps id 9123 4567"], "91234567", Kind.FPS_ID),
    ("fps", ["91234567", "FPS: +852 9123 4567", "fps 852-9123-4567"], "+85291234567", Kind.PHONE),
    ("fps", ["FPS: Mule.Account@Example.COM", "mule.account@example.com"], "mule.account@example.com", Kind.EMAIL),
    ("fps-id", ["1234567", "FPS ID: 123 4567"], "1234567", Kind.FPS_ID),
    ("email", ["Mule@Example.com", "e-mail: mule@example.COM"], "mule@example.com", Kind.EMAIL),
    (
        "e-wallet",
        ["PayMe 9123 4567", "payme: +852 9123 4567", "PayMe:85291234567"],
        "payme:+85291234567",
        Kind.E_WALLET,
    ),
    (
        "e-wallet",
        ["AlipayHK mule@example.com", "Alipay HK: Mule@Example.com"],
        "alipayhk:mule@example.com",
        Kind.E_WALLET,
    ),
    ("e-wallet", ["Octopus 1234-5678-9", "八達通 123456789"], "octopus:123456789", Kind.E_WALLET),
    (
        "crypto-wallet",
        [
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0x52908400098527886e0f7030069857d2e4169ee7",
            "ETH: 0x52908400098527886E0F7030069857D2E4169EE7",
        ],
        "0x52908400098527886e0f7030069857d2e4169ee7",
        Kind.CRYPTO_WALLET,
    ),
    (
        "crypto-wallet",
        [
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ],
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        Kind.CRYPTO_WALLET,
    ),
    (
        "crypto-wallet",
        ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"],
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        Kind.CRYPTO_WALLET,
    ),
    (
        "crypto-wallet",
        ["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", " BTC: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 "],
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        Kind.CRYPTO_WALLET,
    ),
    ("crypto-wallet", ["3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"], "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", Kind.CRYPTO_WALLET),
    (
        "crypto-wallet",
        ["USDT TRC20: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"],
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        Kind.CRYPTO_WALLET,
    ),
    (
        "social",
        ["telegram:@Scam_HK", "Telegram @scam_hk", "https://t.me/Scam_HK", "t.me/scam_hk/", "tg: scam_hk"],
        "telegram:scam_hk",
        Kind.SOCIAL,
    ),
    (
        "social",
        ["instagram:@Invest.Guru_HK", "https://www.instagram.com/invest.guru_hk/"],
        "instagram:invest.guru_hk",
        Kind.SOCIAL,
    ),
    (
        "social",
        ["x:@Crypto_Sifu", "https://twitter.com/crypto_sifu", "https://x.com/Crypto_Sifu"],
        "twitter:crypto_sifu",
        Kind.SOCIAL,
    ),
    (
        "social",
        ["whatsapp: +852 9123 4567", "https://wa.me/85291234567", "wa 9123 4567"],
        "whatsapp:+85291234567",
        Kind.SOCIAL,
    ),
    ("social", ["wechat: Sifu_Invest88", "微信：Sifu_Invest88"], "wechat:Sifu_Invest88", Kind.SOCIAL),
    ("social", ["line: sifu.hk", "https://line.me/ti/p/Sifu.HK"], "line:sifu.hk", Kind.SOCIAL),
]


@pytest.mark.parametrize(
    ("kind", "raw", "canonical", "normalised_kind"),
    [(kind, raw, canonical, nk) for kind, forms, canonical, nk in SAME_VALUE for raw in forms],
)
def test_every_written_form_gives_the_canonical_value(
    kind: str, raw: str, canonical: str, normalised_kind: Kind
) -> None:
    ident = normalise(kind, raw)
    assert ident.value == canonical
    assert ident.kind is normalised_kind


@pytest.mark.parametrize(("kind", "forms"), [(kind, forms) for kind, forms, _, _ in SAME_VALUE])
def test_every_written_form_gives_one_id(kind: str, forms: list[str]) -> None:
    ids = {normalise(kind, raw).id for raw in forms}
    assert len(ids) == 1


def test_an_fps_mobile_proxy_is_the_phone_number() -> None:
    assert normalise("fps", "9123 4567").id == normalise("phone", "+852 9123 4567").id


def test_distinct_values_have_distinct_ids() -> None:
    values = [
        normalise("bank-account", "004-123-456789-001"),
        normalise("bank-account", "024-123-456789-001"),  # same digits, another bank
        normalise("phone", "9123 4567"),
        normalise("phone", "9123 4568"),
        normalise("fps-id", "91234567"),
        normalise("social", "telegram:scam_hk"),
        normalise("social", "instagram:scam_hk"),
    ]
    assert len({v.id for v in values}) == len(values)


def test_hk_account_carries_bank_and_branch() -> None:
    sco = normalise("bank-account", "HSBC 123-456789-001").stix()
    assert sco["bank_code"] == "004" and sco["branch_code"] == "123"
    assert sco["account_number"] == "004-123-456789001" and "iban" not in sco


INVALID = [
    ("phone", "1234", "not a valid phone number"),
    ("phone", "+852 1234 5678", "not a valid phone number in HK"),
    ("phone", "call me maybe", "not a phone number"),
    ("phone", "", "empty"),
    ("phone", "9" * 300, "longer than"),
    ("bank-account", "999-123-456789", "not a Hong Kong bank code"),
    ("bank-account", "004-123-45678", "12 digits after the bank code, not 8"),
    ("bank-account", "HSBC 12345", "12 digits after the bank code, not 5"),
    ("bank-account", "HSBC abc-def", "expected digits"),
    ("bank-account", "GB82 WEST 1234 5698 7654 33", "IBAN check digits"),
    ("bank-account", "GB82 WEST 12", "looks like an IBAN"),
    ("fps", "FPS 12345", "not an FPS proxy id"),
    ("fps", "FPS: not@an@email", "e-mail address"),
    ("fps-id", "1234567890", "7 to 9 digits"),
    ("email", "no-at-sign.example.com", "e-mail address"),
    ("e-wallet", "Venmo 91234567", "name the e-wallet provider"),
    ("e-wallet", "PayMe !!", "phone number, an e-mail or 4-40"),
    ("crypto-wallet", "0x52908400098527886E0F7030069857D2E4169EE", "not a wallet address"),
    ("crypto-wallet", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "checksum"),
    ("crypto-wallet", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "not a valid bech32"),
    ("crypto-wallet", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3T4", "mixes upper and lower case"),
    ("crypto-wallet", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "checksum"),
    ("social", "@scam_hk", "name the platform"),
    ("social", "myspace:scam_hk", "name the platform"),
    ("social", "telegram:@abc", "not a valid telegram handle"),
    ("social", "x:@this_handle_is_too_long", "not a valid twitter handle"),
    ("social", "whatsapp: 1234", "not a valid phone number"),
    ("wire", "anything", "unknown identifier kind"),
]


@pytest.mark.parametrize(("kind", "raw", "reason"), INVALID)
def test_bad_values_are_refused_with_a_reason(kind: str, raw: str, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        normalise(kind, raw)
    assert reason in caught.value.message
    assert caught.value.status == 422


def test_non_text_is_refused() -> None:
    with pytest.raises(Invalid, match="text"):
        normalise("phone", 91234567)  # type: ignore[arg-type]
