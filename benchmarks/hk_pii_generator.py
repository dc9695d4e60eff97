"""Hong Kong personal data in realistic English and Chinese sentences, with exact span labels, and
look-alikes that must not match (wrong HKID check digits, order numbers, dates, amounts, ticket refs).

No public labelled set of Hong Kong identifiers exists; these are built from the rules: HKID check
digits, `phonenumbers` metadata for +852 numbers, HKICL bank codes and lengths."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import phonenumbers

from lionrock.fraud.hk_banks import BANKS
from lionrock.pii.hk_text import SURNAMES
from lionrock.pii.hkid import hkid_check

ENTITIES = ("HKID", "PHONE_NUMBER", "HK_BANK_ACCOUNT", "HK_FPS_ID", "HK_ADDRESS", "PERSON")
_LETTERS = "ABCDEGHKMPRVWYZ"


@dataclass
class Sample:
    text: str = ""
    spans: list[tuple[str, int, int]] = field(default_factory=list)

    def add(self, piece: str, entity: str | None = None) -> Sample:
        if entity is not None:
            self.spans.append((entity, len(self.text), len(self.text) + len(piece)))
        self.text += piece
        return self


def hkid(rng: random.Random, valid: bool = True) -> str:
    letters = rng.choice(["", rng.choice(_LETTERS)]) + rng.choice(_LETTERS)
    digits = f"{rng.randrange(10**6):06d}"
    check = hkid_check(letters, digits)
    if not valid:
        check = rng.choice([c for c in "0123456789A" if c != check])
    form = rng.randrange(5)
    if form == 0:
        return f"{letters}{digits}({check})"
    if form == 1:
        return f"{letters}{digits}{check}"
    if form == 2:
        return f"{letters} {digits} ({check})"
    if form == 3:
        return f"{letters}{digits}（{check}）"
    return f"{letters}{digits} ({check})"


def phone(rng: random.Random, international: bool) -> str:
    while True:
        local = f"{rng.choice('235679')}{rng.randrange(10**7):07d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(local, "HK")):
            break
    a, b = local[:4], local[4:]
    if international:
        return rng.choice([f"+852 {a} {b}", f"+852-{a}-{b}", f"+852{local}", f"852 {a} {b}", f"(852) {a} {b}"])
    return rng.choice([f"{a} {b}", f"{a}-{b}", local])


def account(rng: random.Random) -> str:
    bank = rng.choice(list(BANKS.values()))
    rest = rng.randint(*bank.digits)
    branch, number = f"{rng.randrange(1000):03d}", "".join(rng.choice("0123456789") for _ in range(rest - 3))
    form = rng.randrange(3)
    if form == 0:
        return f"{bank.code}-{branch}-{number}"
    if form == 1:
        return f"{bank.code} {branch} {number}"
    return f"{bank.code}{branch}{number}"


def fps(rng: random.Random) -> str:
    return str(rng.randrange(10**6, 10**9))


_STREETS = [
    ("Nathan Road", "Tsim Sha Tsui"),
    ("Hennessy Road", "Wan Chai"),
    ("King's Road", "North Point"),
    ("Castle Peak Road", "Tsuen Wan"),
    ("Sai Yeung Choi Street", "Mong Kok"),
    ("Queen's Road", "Central"),
    ("Shing Mun Road", "Kwai Chung"),
    ("Tai Po Road", "Sha Tin"),
]
_BUILDINGS = ["Sunshine Court", "Lok Fu Mansion", "Golden Building", "Wah Fu Estate", "Harbour Centre"]
_ZH_STREETS = [
    ("九龍", "旺角", "彌敦道"),
    ("香港", "灣仔", "軒尼詩道"),
    ("新界", "沙田", "大埔道"),
    ("香港", "北角", "英皇道"),
]
_GIVEN = "大文小明志強嘉欣美玲家豪偉傑詠詩俊傑淑儀子軒曉彤"


def address_en(rng: random.Random) -> str:
    street, district = rng.choice(_STREETS)
    number = rng.randint(1, 999)
    form = rng.randrange(3)
    if form == 0:
        flat = f"Flat {rng.choice('ABCDEFGH')}, {rng.randint(2, 40)}/F"
        return f"{flat}, {rng.choice(_BUILDINGS)}, {number} {street}, {district}"
    if form == 1:
        room = f"Rm {rng.randint(1, 30)}{rng.randint(1, 12):02d}, Block {rng.randint(1, 9)}"
        return f"{room}, {rng.choice(_BUILDINGS)}, {district}, Hong Kong"
    return f"{number} {street}, {district}, Kowloon"


def address_zh(rng: random.Random) -> str:
    region, district, street = rng.choice(_ZH_STREETS)
    return f"{region}{district}{street}{rng.randint(1, 500)}號{rng.randint(2, 40)}樓{rng.choice('ABCDEFGH')}室"


def chinese_name(rng: random.Random) -> str:
    n = rng.choice([1, 2, 2])
    given = rng.choice([_GIVEN[i : i + n] for i in range(0, len(_GIVEN) - n + 1, 2)])
    return rng.choice(SURNAMES) + given


def lookalike(rng: random.Random) -> str:
    """A phrase that must yield no Hong Kong entity."""
    choice = rng.randrange(6)
    if choice == 0:
        return f"the card holder's reference {hkid(rng, valid=False)}"
    if choice == 1:
        return f"order number {rng.randrange(10**7, 10**8)}"
    if choice == 2:
        return f"on {rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if choice == 3:
        return f"an amount of HK${rng.randint(1000, 99999999):,}"
    if choice == 4:
        day = f"{rng.randint(2019, 2026)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        return f"ticket INC-{day}-{rng.randint(1, 9999):04d}"
    return f"invoice {rng.randrange(10**7, 10**8)} dated {rng.randint(1, 28)}/{rng.randint(1, 12)}/2025"


def _english(rng: random.Random) -> Sample:
    s = Sample()
    kind = rng.randrange(6)
    if kind == 0:
        s.add("The victim's HKID ").add(hkid(rng), "HKID").add(" was used to open an account, ").add(
            lookalike(rng)
        ).add(".")
    elif kind == 1:
        s.add("The scammer called the customer from ").add(phone(rng, True), "PHONE_NUMBER").add(" about ").add(
            lookalike(rng)
        ).add(".")
    elif kind == 2:
        s.add("Please call her on ").add(phone(rng, False), "PHONE_NUMBER").add(" regarding ").add(lookalike(rng)).add(
            "."
        )
    elif kind == 3:
        s.add("Funds were transferred to bank account ").add(account(rng), "HK_BANK_ACCOUNT").add(", ").add(
            lookalike(rng)
        ).add(".")
    elif kind == 4:
        s.add("The mule's FPS ID ").add(fps(rng), "HK_FPS_ID").add(" received the payment ").add(lookalike(rng)).add(
            "."
        )
    else:
        s.add("The complainant lives at ").add(address_en(rng), "HK_ADDRESS").add(" and reported ").add(
            lookalike(rng)
        ).add(".")
    return s


def _chinese(rng: random.Random) -> Sample:
    s = Sample()
    kind = rng.randrange(6)
    if kind == 0:
        s.add("受害人").add(chinese_name(rng), "PERSON").add("的身份證號碼為").add(hkid(rng), "HKID").add("，已報警。")
    elif kind == 1:
        s.add(chinese_name(rng), "PERSON").add("先生昨日收到騙徒來電，電話號碼").add(
            phone(rng, rng.random() < 0.5), "PHONE_NUMBER"
        ).add("。")
    elif kind == 2:
        s.add("款項轉賬至銀行戶口").add(account(rng), "HK_BANK_ACCOUNT").add("，訂單編號").add(
            str(rng.randrange(10**7, 10**8))
        ).add("。")
    elif kind == 3:
        s.add("請透過轉數快 FPS ").add(fps(rng), "HK_FPS_ID").add(" 付款，金額港幣").add(
            f"{rng.randint(100, 99999):,}"
        ).add("元。")
    elif kind == 4:
        s.add("事主").add(chinese_name(rng), "PERSON").add("住在").add(address_zh(rng), "HK_ADDRESS").add("，於").add(
            f"{rng.randint(2020, 2026)}年{rng.randint(1, 12)}月"
        ).add("報案。")
    else:
        s.add(chinese_name(rng), "PERSON").add("女士表示，參考編號").add(hkid(rng, valid=False)).add("並非她的身份證。")
    return s


def generate(n: int, seed: int = 11) -> list[Sample]:
    """n sentences, half English and half Chinese, reproducible from the seed."""
    rng = random.Random(seed)
    return [_english(rng) if i % 2 == 0 else _chinese(rng) for i in range(n)]
