"""Hong Kong personal data: every written form each recognizer accepts, the look-alikes it must not
take, Chinese text, the victim-versus-attacker decision, the analyst's override, and no network."""

from __future__ import annotations

import socket
import time

import pytest
from fastapi.testclient import TestClient

from lionrock.intake.document import Document
from lionrock.intake.draft import REDACTED, draft_bundle, run_extraction
from lionrock.pii.engine import NER_BUDGET, analyzer, detect, detect_document
from lionrock.pii.hkid import hkid_check, hkid_ok
from tests.conftest import World

CREATED = "2026-01-01T00:00:00.000Z"


def entities(text: str) -> list[tuple[str, str]]:
    return [(s.entity, s.text) for s in detect(text)]


def only(entity: str, text: str) -> list[str]:
    return [t for e, t in entities(text) if e == entity]


# --- HKID -----------------------------------------------------------------------------------------


def test_hkid_check_digit_matches_the_published_examples() -> None:
    assert hkid_check("A", "123456") == "3" and hkid_check("AB", "987654") == "3"
    assert hkid_ok("A", "123456", "3") and not hkid_ok("A", "123456", "4")
    assert not hkid_ok("a", "123456", "3") and not hkid_ok("A", "12345x", "3") and not hkid_ok("ABC", "123456", "3")


@pytest.mark.parametrize(
    "written",
    ["A123456(3)", "A1234563", "A 123456 (3)", "A123456 (3)", "A123456（3）", "A123456( 3 )", "A 1234563"],
)
def test_hkid_every_written_form_with_one_letter(written: str) -> None:
    assert only("HKID", f"Customer HKID {written} was leaked.") == [written]


def test_hkid_two_letters_and_check_a() -> None:
    for letters in ("AB", "XA", "WX", "Z"):
        for digits in ("000000", "987654", "135790", "246802"):
            check = hkid_check(letters, digits)
            for written in (
                f"{letters}{digits}({check})",
                f"{letters}{digits}{check}",
                f"{letters} {digits} ({check})",
            ):
                assert only("HKID", f"HKID: {written}.") == [written], written
    digits = next(f"{i:06d}" for i in range(10**6) if hkid_check("K", f"{i:06d}") == "A")
    assert only("HKID", f"the card K{digits}(A) was used") == [f"K{digits}(A)"]


@pytest.mark.parametrize(
    "text",
    [
        "HKID A123456(4) is a typo",  # wrong check digit
        "HKID A1234564 is a typo",
        "part number XA1234563B",  # inside a longer token
        "code ABC123456(3)",  # three letters
        "model a123456(3)",  # lower case
    ],
)
def test_hkid_look_alikes_are_not_matched(text: str) -> None:
    assert only("HKID", text) == []


# --- phones -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["+852 6123 4567", "+852-6123-4567", "+85261234567", "852 6123 4567", "(852) 6123 4567", "00852 6123 4567"],
)
def test_hk_phone_international_forms_need_no_cue(written: str) -> None:
    assert only("PHONE_NUMBER", f"Reported {written} yesterday.") == [written]


@pytest.mark.parametrize("written", ["6123 4567", "6123-4567", "61234567", "2123 4567", "9123 4567"])
def test_hk_phone_local_forms_with_a_cue(written: str) -> None:
    assert only("PHONE_NUMBER", f"Please call {written} after 6 pm.") == [written]
    assert only("PHONE_NUMBER", f"騙徒致電 {written} 聯絡事主。") == [written]


@pytest.mark.parametrize(
    "text",
    [
        "Order 61234567 shipped.",  # no phone cue
        "Call about order number 61234567 today.",  # an order number, though a call is mentioned
        "Please call 1234 5678 now.",  # no HK number starts with 1
        "Ticket INC-20240315-0042 was closed.",
        "The transfer of HK$12,345,678 on 2024-03-15.",
    ],
)
def test_phone_look_alikes_are_not_matched(text: str) -> None:
    assert only("PHONE_NUMBER", text) == []


# --- bank accounts and FPS ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["004-123-456789-001", "004 123 456789 001", "004123456789001", "012-345-678901", "012-345-67890123"]
)
def test_hk_bank_account_forms_beside_an_account_cue(written: str) -> None:
    assert only("HK_BANK_ACCOUNT", f"Funds went to bank account {written} on Monday.") == [written]
    assert only("HK_BANK_ACCOUNT", f"款項存入戶口 {written}。") == [written]


@pytest.mark.parametrize(
    "text",
    [
        "Order 012-345-678901 shipped.",  # no account cue
        "Bank account 999-123-456789 is fake.",  # 999 is no HK bank code
        "Bank account 004-123-4567 is short.",  # HSBC numbers have 12 digits after the code
    ],
)
def test_bank_account_look_alikes_are_not_matched(text: str) -> None:
    assert only("HK_BANK_ACCOUNT", text) == []


def test_fps_id_only_beside_an_fps_cue() -> None:
    assert only("HK_FPS_ID", "Pay by FPS ID 1234567 today.") == ["1234567"]
    assert only("HK_FPS_ID", "請用轉數快 123456789 付款") == ["123456789"]
    assert only("HK_FPS_ID", "Reference 1234567 was closed.") == []


# --- addresses and names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "Flat B, 12/F, Sunshine Court, 23 Nathan Road, Tsim Sha Tsui, Kowloon",
        "Rm 1203, Block 2, Lok Fu Mansion, Sha Tin",
        "88 Queen's Road, Central, Hong Kong",
        "12/F, Harbour Centre, 25 Harbour Road, Wan Chai",
    ],
)
def test_english_hk_addresses(address: str) -> None:
    assert only("HK_ADDRESS", f"The complainant lives at {address}. Police were told.") == [address]


@pytest.mark.parametrize(
    "address", ["香港灣仔軒尼詩道123號10樓A室", "九龍旺角彌敦道580號5樓", "新界沙田大埔道45號地下"]
)
def test_chinese_hk_addresses(address: str) -> None:
    assert only("HK_ADDRESS", f"事主住在{address}，已報警。") == [address]


def test_a_district_alone_is_not_an_address() -> None:
    assert only("HK_ADDRESS", "The campaign targeted banks in Central and Wan Chai.") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("受害人陳大文於昨日報案。", "陳大文"),
        ("事主李明表示損失港幣五萬元。", "李明"),
        ("歐陽文傑女士收到假冒銀行短訊。", "歐陽文傑"),
        ("張偉先生的戶口被盜用。", "張偉"),
    ],
)
def test_chinese_names_beside_a_cue(text: str, name: str) -> None:
    assert only("PERSON", text) == [name]


def test_chinese_text_without_a_cue_has_no_name() -> None:
    assert only("PERSON", "黃大仙區的天氣晴朗，陳列室今日開放。") == []


# --- intake: context decisions, the override, big documents ---------------------------------------------


def test_intake_keeps_victims_names_addresses_and_every_hkid_form_as_personal_data() -> None:
    text = (
        "The victim, Mr Chan Tai Man, HKID A 123456 (3), lives at Flat B, 12/F, Sunshine Court, "
        "23 Nathan Road, Tsim Sha Tsui. 受害人陳大文住在香港灣仔軒尼詩道123號10樓A室。"
        " The scammer used phone 6123 4567."
    )
    ex = run_extraction(Document(text, "text"))
    personal = {(f.type, f.value) for f in ex.personal}
    assert ("hkid", "A123456(3)") in personal and ("person-name", "陳大文") in personal
    assert ("address", "香港灣仔軒尼詩道123號10樓A室") in personal
    assert any(t == "address" and v.startswith("Flat B") for t, v in personal)
    assert any(t == "person-name" and "Chan Tai Man" in v for t, v in personal)
    assert ("phone-number", "+85261234567") in {(f.type, f.value) for f in ex.indicators}


def test_a_name_beside_an_attacker_cue_is_not_personal_data() -> None:
    ex = run_extraction(Document("The scammer John Peterson phoned victims from a spoofed number.", "text"))
    assert not any(f.type == "person-name" for f in ex.personal)


def test_draft_redacts_new_personal_data_unless_the_analyst_keeps_it() -> None:
    text = "受害人陳大文的身份證號碼為A123456（3），住在香港灣仔軒尼詩道123號10樓A室。騙徒電話 +852 6123 4567。"
    ex = run_extraction(Document(text, "text"))
    draft = str(draft_bundle(ex, created=CREATED, name="t"))
    assert "陳大文" not in draft and "A123456" not in draft and "軒尼詩道" not in draft and REDACTED in draft
    kept = str(draft_bundle(ex, created=CREATED, name="t", keep_personal=frozenset({"陳大文"})))
    assert "陳大文" in kept and "A123456" not in kept


def test_detection_past_the_ner_budget_still_finds_hk_identifiers() -> None:
    filler = "Routine maintenance notes without anything personal.\n" * (NER_BUDGET // 50 + 10)
    text = filler + "Customer HKID A123456(3) and bank account 004-123-456789-001.\n"
    found = {(s.entity, s.text) for s in detect_document(text)}
    assert ("HKID", "A123456(3)") in found and ("HK_BANK_ACCOUNT", "004-123-456789-001") in found


def test_huge_hostile_lines_stay_linear() -> None:
    started = time.monotonic()
    detect_document("A" * 200_000 + "1" * 200_000 + "Flat " * 40_000 + "陳" * 100_000, ner_budget=0)
    assert time.monotonic() - started < 20


def test_detection_reaches_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    analyzer()  # built before the sockets go: the model is an installed package either way

    def refuse(*_args: object, **_kw: object) -> None:
        raise AssertionError("personal-data detection tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert ("EMAIL_ADDRESS", "chan.tai.man@example.com.hk") in entities(
        "Victim email chan.tai.man@example.com.hk today"
    )


def test_the_engine_is_built_once_per_process() -> None:
    assert analyzer() is analyzer()


def test_analyst_override_through_the_hub(client: TestClient, world: World) -> None:
    report = "受害人陳大文的身份證 A 123456 (3)。The scammer called from +852 6123 4567.".encode()
    up = client.post("/api/v1/intake", params={"filename": "case.txt"}, content=report, headers=world.auth("bank-a"))
    job = up.json()["id"]
    for _ in range(400):
        state = client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert state["status"] == "done", state
    types = {(p["type"], p["value"]) for p in state["result"]["personal_data"]}
    assert {("hkid", "A123456(3)"), ("person-name", "陳大文")} <= types
    assert "陳大文" not in str(state["draft"]) and "A123456" not in str(state["draft"])
    kept = client.patch(f"/api/v1/intake/{job}", headers=world.auth("bank-a"), json={"keep_personal": ["陳大文"]})
    assert kept.status_code == 200, kept.text
    assert "陳大文" in str(client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()["draft"])
    redacted = client.patch(f"/api/v1/intake/{job}", headers=world.auth("bank-a"), json={"redact_personal": ["陳大文"]})
    assert redacted.status_code == 200
    assert "陳大文" not in str(client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-a")).json()["draft"])
