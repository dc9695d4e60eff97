"""Keyed pseudonyms, pure: one pseudonym per value whatever way it is written, another key gives
other pseudonyms, the token format, and drafts that write pseudonyms instead of the values."""

from __future__ import annotations

import orjson
import pytest

from lionrock.intake.document import Document
from lionrock.intake.draft import REDACTED, draft_bundle, run_extraction
from lionrock.pii.pseudonyms import BITS, canonical, found_in, parse, pseudonym, shown, substitute

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
CREATED = "2026-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("kind", "forms"),
    [
        ("hkid", ["A123456(3)", "A1234563", "a123456(3)", "A 123456 (3)", "A123456（3）", "A123456 ( 3 )"]),
        (
            "phone-number",
            ["+852 9123 4567", "91234567", "+85291234567", "852-9123-4567", "００８５２ ９１２３４５６７"],
        ),
        ("bank-account", ["004-123-456789123", "004 123 456789123", "004123456789123", "HSBC 123-456789123"]),
        ("person-name", ["Chan Tai Man", "CHAN  tai man", " chan tai man "]),
        ("email-addr", ["Chan.TM@Example.com", "chan.tm@example.com"]),
        ("card-number", ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111"]),
    ],
)
def test_every_written_form_of_a_value_gets_the_same_pseudonym(kind: str, forms: list[str]) -> None:
    assert len({canonical(kind, f) for f in forms}) == 1, [canonical(kind, f) for f in forms]
    assert len({pseudonym(KEY, kind, f) for f in forms}) == 1


def test_different_values_and_kinds_get_different_pseudonyms() -> None:
    assert pseudonym(KEY, "hkid", "A123456(3)") != pseudonym(KEY, "hkid", "B123456(9)")
    assert pseudonym(KEY, "fps-id", "1234567") != pseudonym(KEY, "phone-number", "1234567")
    assert pseudonym(KEY, "hkid", "A123456(3)").startswith("HKID-")
    assert pseudonym(KEY, "phone-number", "91234567").startswith("PHONE-")


def test_another_key_gives_other_pseudonyms() -> None:
    values = [("hkid", "A123456(3)"), ("phone-number", "91234567"), ("person-name", "陳大文")]
    for kind, value in values:
        assert pseudonym(KEY, kind, value) != pseudonym(OTHER_KEY, kind, value)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError):
        pseudonym(b"short", "hkid", "A123456(3)")


def test_the_token_holds_80_bits_in_16_crockford_characters() -> None:
    token = pseudonym(KEY, "person-name", "Chan Tai Man")
    label, body = token.split("-")
    assert BITS == 80 and len(body) == 16 and label == "PERSON"
    assert not set(body) & set("ILOU")
    assert parse(shown(token)) == token and parse(token.lower()) == token


@pytest.mark.parametrize(
    "hostile",
    [
        None,
        7,
        ["PHONE-0000000000000000"],
        "",
        "PHONE-",
        "PHONE-000000000000000",
        "PHONE-00000000000000000",
        "ROOT-0000000000000000",
        "PHONE-IIIIIIIIIIIIIIII",
        "x" * 10_000,
        "PHONE-0000000000000000; DROP TABLE",
    ],
)
def test_parse_refuses_what_is_not_a_pseudonym(hostile: object) -> None:
    assert parse(hostile) is None


def test_substitution_is_one_pass_so_a_replacement_is_never_rewritten() -> None:
    text = "call 91234567 or 9123"
    assert substitute(text, {"91234567": "[PHONE-9123ABCD]", "9123": "X"}) == "call [PHONE-9123ABCD] or X"
    assert substitute("Mr CHAN TAI MAN and chan tai man", {"Chan Tai Man": "[P]"}) == "Mr [P] and [P]"
    assert substitute("(a+b)*", {"a+b": "[S]", "": "never"}) == "([S])*"  # needles are text, not patterns


def test_a_value_written_with_runs_of_spaces_is_replaced_in_collapsed_evidence() -> None:
    ex = run_extraction(
        Document("The victim's phone +852  9123  4567 was called by the scammer at 203.0.113.50.", "text")
    )
    names = {p.value: pseudonym(KEY, p.type, p.value) for p in ex.personal}
    draft = str(draft_bundle(ex, created=CREATED, name="r", pseudonyms=names))
    assert "9123" not in draft and shown(names["+85291234567"]) in draft


REPORT = (
    "The scammer's C2 203.0.113.50 harvested the victim's HKID A 123456 (3). "
    "The customer's phone +852 9123 4567 was called by the scammer at 203.0.113.50."
)


def test_the_draft_writes_pseudonyms_instead_of_personal_values() -> None:
    ex = run_extraction(Document(REPORT, "text"))
    personal = {p.value: p for p in ex.personal}
    assert "A123456(3)" in personal
    names = {value: pseudonym(KEY, p.type, value) for value, p in personal.items()}
    draft = orjson.dumps(draft_bundle(ex, created=CREATED, name="Case A 123456 (3)", pseudonyms=names)).decode()
    assert "A123456" not in draft and "A 123456" not in draft and "9123 4567" not in draft
    assert shown(names["A123456(3)"]) in draft and REDACTED not in draft
    assert "203.0.113.50" in draft  # the attacker's indicator stays a value
    report = orjson.loads(draft)["objects"][0]
    assert report["name"] == f"Case {shown(names['A123456(3)'])}"  # the title too


def test_a_value_the_analyst_keeps_stays_a_value() -> None:
    ex = run_extraction(Document(REPORT, "text"))
    names = {p.value: pseudonym(KEY, p.type, p.value) for p in ex.personal}
    draft = str(
        draft_bundle(ex, created=CREATED, name="r", keep_personal=frozenset({"+85291234567"}), pseudonyms=names)
    )
    assert "+85291234567" in draft and shown(names["+85291234567"]) not in draft


def test_without_a_pseudonym_the_redaction_mark_remains() -> None:
    ex = run_extraction(Document(REPORT, "text"))
    draft = str(draft_bundle(ex, created=CREATED, name="r"))
    assert "A123456" not in draft and "A 123456" not in draft and REDACTED in draft


def test_found_in_lists_bracketed_pseudonyms_once_and_nothing_else() -> None:
    one, two = pseudonym(KEY, "hkid", "A123456(3)"), pseudonym(KEY, "phone-number", "91234567")
    text = f"x [{one}] y [{two}] z [{one}] {one} [ROOT-{'0' * 16}] [{two.lower()}]"
    assert found_in(text) == [one, two]
