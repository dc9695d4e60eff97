"""Indicator and personal-data extraction, rule by rule."""

from __future__ import annotations

import pytest

from lionrock.intake.defang import refang
from lionrock.intake.document import Document
from lionrock.intake.indicators import extract


def found(text: str, **kw: frozenset[str]) -> dict[tuple[str, str], list[str]]:
    return {(f.type, f.value): f.flags for f in extract(Document(text, "text"), **kw) if not f.personal}


def personal(text: str) -> set[tuple[str, str]]:
    return {(f.type, f.value) for f in extract(Document(text, "text")) if f.personal}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("hxxp://evil[.]com/a", ("url", "http://evil.com/a")),
        ("hXXps[:]//evil(.)com", ("url", "https://evil.com")),
        ("fxp://files[.]evil.com/x", ("url", "ftp://files.evil.com/x")),
        ("bad[at]evil[dot]com", ("email-addr", "bad@evil.com")),
        ("bad(@)evil{.}com", ("email-addr", "bad@evil.com")),
        ("198.51.100[.]7", ("ipv4-addr", "198.51.100.7")),
        ("evil [.] com", ("domain-name", "evil.com")),
        ("evil . com", ("domain-name", "evil.com")),
        ("evil\\.com", ("domain-name", "evil.com")),
    ],
)
def test_defanging(written: str, expected: tuple[str, str]) -> None:
    assert expected in found(f"Seen: {written} today.")


def test_as_written_and_evidence_point_at_the_original_text() -> None:
    text = "Intro.\nThe C2 was hxxps://evil[.]com/gate.php yesterday. Next sentence."
    f = next(x for x in extract(Document(text, "text")) if x.type == "url")
    ev = f.evidence[0]
    assert text[ev.start : ev.end] == f.as_written == "hxxps://evil[.]com/gate.php"
    assert ev.text == "The C2 was hxxps://evil[.]com/gate.php yesterday." and ev.page == 1
    assert refang("a[.]b").original(2) == 4


def test_public_suffix_list_decides_domains() -> None:
    got = found("Open invoice.pdf and report.docx; then evil.zip, a.b.evil.co.uk and main.py and x.local.")
    assert ("domain-name", "evil.zip") in got and ("domain-name", "a.b.evil.co.uk") in got
    assert not any(v in ("invoice.pdf", "report.docx", "x.local") for _, v in got)


def test_ip_kinds_and_flags() -> None:
    got = found("Hosts 10.1.2.3, 198.51.100.9, 8.8.8.8, 192.168.0.0/16, 2001:db8::1, 2606:4700::1111 and 999.1.1.1.")
    assert got[("ipv4-addr", "10.1.2.3")] == ["private"]
    assert got[("ipv4-addr", "198.51.100.9")] == ["documentation"]
    assert got[("ipv4-addr", "8.8.8.8")] == []
    assert got[("cidr", "192.168.0.0/16")] == ["private"]
    assert got[("ipv6-addr", "2001:db8::1")] == ["documentation"]
    assert ("ipv6-addr", "2606:4700::1111") in got
    assert not any(v.startswith("999") for _, v in got)


def test_benign_and_publisher_domains_are_flagged_not_dropped() -> None:
    got = found("See github.com and blog.vendor.com and evil.com.", publisher_domains=frozenset({"vendor.com"}))
    assert got[("domain-name", "github.com")] == ["benign"]
    assert got[("domain-name", "blog.vendor.com")] == ["publisher"]
    assert got[("domain-name", "evil.com")] == []


def test_hashes_cves_asns_registry() -> None:
    md5, sha1, sha256 = "d41d8cd98f00b204e9800998ecf8427e", "a" * 40, "AB" * 32
    got = found(f"Files {md5}, {sha1}; {sha256}. CVE-2021-44228 via AS13335. Key HKLM\\Software\\Run\\evil.")
    assert ("md5", md5) in got and ("sha1", sha1) in got and ("sha256", sha256.lower()) in got
    assert ("cve", "CVE-2021-44228") in got and ("asn", "AS13335") in got
    assert ("registry-key", "HKEY_LOCAL_MACHINE\\Software\\Run\\evil") in got
    assert not any(t == "md5" for t, _ in found("a" * 33))  # 33 hex digits are no hash


def test_crypto_addresses_only_with_valid_checksums() -> None:
    good_btc, bad_btc = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"
    bech = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    eth = "0x52908400098527886E0F7030069857D2E4169EE7"
    xmr = "4" + "A" + "1" * 93
    got = found(f"Pay {good_btc} or {bad_btc} or {bech} or {eth} or {xmr}.")
    assert ("bitcoin-address", good_btc) in got and ("bitcoin-address", bech) in got
    assert ("bitcoin-address", bad_btc) not in got
    assert ("ethereum-address", eth.lower()) in got and ("monero-address", xmr) in got


def test_phone_numbers_e164_and_hong_kong() -> None:
    got = found("Scam calls from +852 6123 4567 and +44 20 7946 0958; SMS from 5123 4567. Ref 20231231.")
    assert ("phone-number", "+85261234567") in got and ("phone-number", "+442079460958") in got
    assert ("phone-number", "+85251234567") in got
    assert not any(v.endswith("20231231") for _, v in got)


def test_bank_accounts_and_fps_need_context() -> None:
    got = found("Mule account 012-345-678901 received funds. FPS ID 1234567 was used by the scammer.")
    assert ("bank-account", "012-345-678901") in got and ("fps-id", "1234567") in got
    assert not any(t == "bank-account" for t, _ in found("Order 012-345-678901 shipped."))


def test_personal_data_is_told_apart_from_attacker_indicators() -> None:
    text = (
        "The victim's HKID A123456(3) and card 4111 1111 1111 1111 were stolen. HKID B123456(7) is no HKID. "
        "Customer phone +852 9123 4567 was targeted. The scammer called from +852 6123 4567. "
        "Staff email jane.doe@bank.com.hk; phishing sender evil@bad-domain.com"
    )
    mine = personal(text)
    assert ("hkid", "A123456(3)") in mine and ("card-number", "4111111111111111") in mine
    assert not any(v.startswith("B123456") for _, v in mine)
    assert ("phone-number", "+85291234567") in mine and ("email-addr", "jane.doe@bank.com.hk") in mine
    attacker = found(text)
    assert ("phone-number", "+85261234567") in attacker and ("email-addr", "evil@bad-domain.com") in attacker
    assert ("phone-number", "+85291234567") not in attacker
