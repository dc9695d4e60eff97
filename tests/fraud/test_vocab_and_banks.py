"""The report vocabularies and the HK bank-code table."""

from __future__ import annotations

import pytest

from lionrock.errors import Invalid
from lionrock.fraud.hk_banks import ALIASES, BANKS
from lionrock.fraud.vocab import SCAM_TYPE_HELP, Role, ScamType, role, scam_type


def test_the_issue_s_scam_types_and_roles_exist() -> None:
    for name in ("investment", "impersonation-of-officials", "romance", "employment", "shopping", "phishing", "loan"):
        assert ScamType(name)
    for name in ("receiving-account", "caller", "sender", "website"):
        assert Role(name)
    assert set(SCAM_TYPE_HELP) == set(ScamType)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Investment", ScamType.INVESTMENT), ("impersonation of officials", ScamType.IMPERSONATION_OF_OFFICIALS)],
)
def test_scam_types_forgive_case_and_spaces(text: str, expected: ScamType) -> None:
    assert scam_type(text) is expected


def test_roles_forgive_underscores() -> None:
    assert role("RECEIVING_ACCOUNT") is Role.RECEIVING_ACCOUNT


def test_unknown_words_are_refused_with_the_choices() -> None:
    with pytest.raises(Invalid, match="one of: investment"):
        scam_type("lottery")
    with pytest.raises(Invalid, match="unknown role"):
        role("victim")


def test_bank_table_is_well_formed() -> None:
    assert {"003", "004", "009", "012", "015", "024", "039", "043", "072", "250"} <= set(BANKS)
    assert {str(code) for code in range(387, 394)} | {"395"} <= set(BANKS)  # virtual banks
    for code, bank in BANKS.items():
        assert len(code) == 3 and code.isdigit() and bank.code == code
        low, high = bank.digits
        assert 9 <= low <= high <= 12  # the clearing format: 3-digit branch + up to 9 digits
        assert bank.narrowed == (bank.digits != (9, 12))
    aliases = [alias for alias, _ in ALIASES]
    assert len(aliases) == len(set(aliases)), "an alias names one bank"
    assert [len(a) for a in aliases] == sorted((len(a) for a in aliases), reverse=True)
