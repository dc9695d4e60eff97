"""Fraud identifiers in payment and call records: columns by name, one identifier for many spellings,
bad values counted, hostile files bounded; hits decided once per distinct identifier."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pytest

from lionrock.errors import BadRequest
from lionrock.fraud.identifiers import Kind, normalise
from lionrock.fraud.record_hits import BadAnswer, HitFinder
from lionrock.fraud.records import (
    MAX_FIELDS,
    MAX_LINE,
    Columns,
    Found,
    ReadStats,
    column_key,
    detect,
    parse_override,
    read_records,
)


def read(text: str | bytes, fmt: str = "csv", **overrides: str) -> tuple[list[Found], ReadStats]:
    data = text.encode() if isinstance(text, str) else text
    stats = ReadStats()
    found = list(read_records(io.BytesIO(data), fmt, Columns({column_key(k): v for k, v in overrides.items()}), stats))
    return found, stats


def values(found: list[Found]) -> list[tuple[int, str, str, str]]:
    return [(f.line, f.column, f.kind.value, f.identifier.value) for f in found]


@pytest.mark.parametrize(
    ("header", "value", "kind"),
    [
        ("payee_account", "004-123-456789-001", "bank-account"),
        ("Beneficiary Account", "004-123-456789-001", "bank-account"),
        ("TO_ACCOUNT", "004-123-456789-001", "bank-account"),
        ("account-no", "004-123-456789-001", "bank-account"),
        ("收款戶口", "004-123-456789-001", "bank-account"),
        ("Payee Phone", "9123 4567", "phone"),
        ("caller", "9123 4567", "phone"),
        ("Calling Number", "9123 4567", "phone"),
        ("MSISDN", "85291234567", "phone"),
        ("來電號碼", "9123 4567", "phone"),
        ("FPS ID", "1234567", "fps-id"),
        ("fps_proxy", "9123 4567", "phone"),
        ("wallet", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "crypto-wallet"),
        ("crypto_address", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "crypto-wallet"),
        ("eWallet", "PayMe 9123 4567", "e-wallet"),
        ("E-mail", "Mule@Example.com", "email"),
    ],
)
def test_columns_are_found_by_name_case_insensitively_with_aliases(header: str, value: str, kind: str) -> None:
    found, _ = read(f"id,{header},memo\n1,{value},x\n")
    assert [(f.line, f.column, f.kind.value) for f in found] == [(2, header, kind)]


def test_other_columns_and_the_payers_own_account_are_not_read() -> None:
    found, stats = read("payer_account,called_number,memo\n004-123-456789-001,9123 4567,9123 4567\n")
    assert found == [] and stats.columns == {} and stats.rows == 1


def test_bank_code_and_account_columns_are_joined() -> None:
    csv = (
        "payee_bank_code,payee_account_no,bank_code,account_no\n"
        "004,123-456789-001,012,875-1234567-8\n"
        ",004 123 456789 001,,\n"  # no code: the account alone
        "004,004-123-456789-001,,\n"  # the code written twice: the account alone
    )
    found, stats = read(csv)
    assert values(found) == [
        (2, "payee_account_no", "bank-account", "004-123-456789001"),
        (2, "account_no", "bank-account", "012-875-12345678"),
        (3, "payee_account_no", "bank-account", "004-123-456789001"),
        (4, "payee_account_no", "bank-account", "004-123-456789001"),
    ]
    assert stats.distinct == {"bank-account": 2} and stats.found == {"bank-account": 4}


def test_a_lone_bank_code_column_pairs_with_the_only_account_column() -> None:
    for code in ("Bank Code", "bank_no", "銀行編號"):
        found, _ = read(f"{code},Beneficiary Account,,\n024,123-456789-001,,\n")
        assert values(found) == [(2, "Beneficiary Account", "bank-account", "024-123-456789001")]


def test_many_spellings_are_one_identifier() -> None:
    spellings = [
        "+852 9123 4567",
        "91234567",
        "(852) 9123-4567",
        "00852 9123 4567",
        "９１２３ ４５６７",
        "Tel: 9123 4567",
    ]
    found, stats = read("caller\n" + "\n".join(f'"{s}"' for s in spellings) + "\n")
    assert {f.identifier.id for f in found} == {normalise("phone", "+85291234567").id}
    assert len(found) == len(spellings) and stats.distinct == {"phone": 1}


def test_an_fps_mobile_proxy_and_a_caller_are_one_identifier() -> None:
    payments, _ = read("fps_proxy\n5123 4567\n")
    calls, _ = read('{"calling_number": "+852-5123-4567"}\n', "jsonl")
    assert payments[0].identifier == calls[0].identifier


def test_bad_values_are_counted_per_column_never_fatal() -> None:
    found, stats = read("caller,payee_account\nanonymous,004-123-456789-001\n12345,999-123-456789\n9123 4567,\n")
    assert values(found) == [
        (2, "payee_account", "bank-account", "004-123-456789001"),
        (4, "caller", "phone", "+85291234567"),
    ]
    assert stats.bad_values == {"caller": 2, "payee_account": 1}


def test_overrides_name_columns_and_ignore_aliases() -> None:
    found, _ = read("ref,caller,counterparty\n1,9123 4567,5123 4567\n", counterparty="phone", caller="ignore")
    assert values(found) == [(2, "counterparty", "phone", "+85251234567")]
    assert parse_override("Called Number=phone") == ("called_number", "phone")
    for bad in ("caller", "caller=cat", "=phone"):
        with pytest.raises(BadRequest):
            parse_override(bad)


def test_json_lines_nested_keys_and_numbers() -> None:
    text = '{"payee": {"account": "004-123-456789-001"}, "msisdn": 85291234567, "ok": true}\n\n[1]\n{bad\n'
    found, stats = read(text, "jsonl")
    assert values(found) == [
        (1, "payee.account", "bank-account", "004-123-456789001"),
        (1, "msisdn", "phone", "+85291234567"),
    ]
    assert stats.malformed == {"not a JSON object": 1, "not JSON": 1}


def test_utf8_with_or_without_bom_and_crlf() -> None:
    for data in ("\ufeffcaller\r\n9123 4567\r\n".encode(), b"caller\n9123 4567"):
        found, _ = read(data)
        assert values(found) == [(2, "caller", "phone", "+85291234567")]


def test_format_is_detected_by_name_then_content() -> None:
    assert detect("calls.jsonl", b"") == "jsonl" and detect("pay.csv", b"{") == "csv"
    assert detect("-", b'\xef\xbb\xbf {"a": 1}') == "jsonl" and detect("export", b"caller\n") == "csv"


def test_semicolon_and_tab_separated_files() -> None:
    for sep in (";", "\t"):
        found, _ = read(f"id{sep}caller{sep}memo\n1{sep}9123 4567{sep}a, b\n")
        assert values(found) == [(2, "caller", "phone", "+85291234567")]


# hostile files


def test_a_huge_line_is_skipped_and_counted_without_being_held() -> None:
    huge = "x" * (3 * MAX_LINE)
    found, stats = read(f"caller,memo\n9123 4567,{huge}\n5123 4567,ok\n")
    assert values(found) == [(3, "caller", "phone", "+85251234567")]
    assert sum(stats.malformed.values()) == 1 and stats.bytes > 3 * MAX_LINE


def test_a_header_of_ten_thousand_columns_is_refused_and_a_wide_row_skipped() -> None:
    with pytest.raises(BadRequest, match="columns"):
        read(",".join(f"c{i}" for i in range(100_000)) + "\n")
    found, stats = read("caller,memo\n" + "9123 4567," * 100_000 + "\n5123 4567,ok\n")
    assert values(found) == [(3, "caller", "phone", "+85251234567")]
    assert stats.malformed == {"wrong number of fields": 1}
    wide = "{" + ",".join(f'"k{i}": "v"' for i in range(MAX_FIELDS + 5)) + ', "caller": "9123 4567"}\n'
    found, stats = read(wide, "jsonl")
    assert found == [] and sum(stats.malformed.values()) == 1


def test_nul_bytes_are_removed_and_counted() -> None:
    found, stats = read(b"caller\x00,memo\n9123\x00 4567,x\x00\n")
    assert values(found) == [(2, "caller", "phone", "+85291234567")]
    assert stats.malformed == {"NUL bytes (removed)": 2}


def test_formula_cells_are_only_bad_values() -> None:
    formulas = ['"=HYPERLINK(""http://evil.example"",""x"")"', "\"@SUM(1+1)*cmd|' /C calc'!A0\""]
    found, stats = read("caller,memo\n" + "".join(f"{f},a\n" for f in formulas))
    assert found == [] and stats.bad_values == {"caller": 2}


def test_non_utf8_lines_are_counted_and_still_read() -> None:
    big5 = "來電號碼".encode("big5")
    found, stats = read(b"caller,name\n9123 4567," + big5 + b"\n")
    assert values(found) == [(2, "caller", "phone", "+85291234567")]
    assert stats.malformed == {"not utf-8 (read with replacement characters)": 1}
    stats = ReadStats()
    data = io.BytesIO("來電號碼\n9123 4567\n".encode("big5"))
    found = list(read_records(data, "csv", Columns(), stats, encoding="big5"))
    assert values(found) == [(2, "來電號碼", "phone", "+85291234567")]


def test_unusable_headers_are_refused() -> None:
    for text in ("", "\n\n", "caller,Caller\n9123 4567,5123 4567\n", '"caller\n'):
        with pytest.raises(BadRequest):
            read(text)


def test_a_quoted_line_break_makes_a_malformed_record_not_a_crash() -> None:
    found, stats = read('caller,memo\n9123 4567,"two\nlines"\n5123 4567,ok\n')
    assert [f.line for f in found] == [4]
    assert sum(stats.malformed.values()) == 2


# hits


class Hub:
    """A checker that answers from a table, recording what it was asked."""

    def __init__(self, risks: dict[str, str]) -> None:
        self.risks = risks
        self.asked: list[list[tuple[str, str]]] = []

    def __call__(self, items: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        self.asked.append(list(items))
        return [{"risk": self.risks.get(value, "no record"), "organisations": 0} for _, value in items]


def test_each_distinct_identifier_is_checked_once_in_chunks_and_hits_come_in_file_order() -> None:
    lines = [f"9123{n:04d}" for n in range(2500)]
    calls = "caller\n" + "\n".join(lines + lines) + "\n"
    found, _ = read(calls)
    assert len(found) == 5000 and len({f.identifier.id for f in found}) == 2500
    hub = Hub({"+85291230007": "high", "+85291232400": "low"})
    finder = HitFinder(hub, chunk=1000)
    hits = list(finder.run(found))
    assert [len(batch) for batch in hub.asked] == [1000, 1000, 500]
    assert sum(len(b) for b in hub.asked) == len({v for b in hub.asked for v in b}) == 2500
    assert [(h.found.line, h.risk) for h in hits] == [(9, "high"), (2402, "low"), (2509, "high"), (4902, "low")]
    assert finder.stats.checked == 2500 and finder.stats.by_risk == {"no record": 2498, "high": 1, "low": 1}


def test_min_risk_filters_and_no_record_is_never_a_hit() -> None:
    found, _ = read("caller\n9123 4567\n5123 4567\n6123 4567\n")
    risks = {"+85291234567": "low", "+85251234567": "medium"}
    assert [h.risk for h in HitFinder(Hub(risks), "low").run(found)] == ["low", "medium"]
    assert [h.risk for h in HitFinder(Hub(risks), "medium").run(found)] == ["medium"]
    assert list(HitFinder(Hub(risks), "high").run(found)) == []


def test_a_checker_that_answers_wrong_is_an_error_not_a_silent_miss() -> None:
    found, _ = read("caller\n9123 4567\n")
    with pytest.raises(BadAnswer):
        list(HitFinder(lambda items: [], "low").run(found))
    with pytest.raises(BadAnswer):
        list(HitFinder(lambda items: [{"risk": "severe"}], "low").run(found))


def test_waiting_occurrences_are_bounded_when_few_identifiers_repeat() -> None:
    found, _ = read("caller\n" + "9123 4567\n" * 25_000)
    hub = Hub({"+85291234567": "high"})
    hits = list(HitFinder(hub, chunk=1000).run(found))
    assert len(hits) == 25_000 and len(hub.asked) == 1


def test_canonical_values_read_back_as_themselves() -> None:
    """The checker receives canonical values; the hub normalises them again to the same identifier."""
    for kind, raw in [
        ("bank-account", "HSBC 004 123 456789 001"),
        ("phone", "9123 4567"),
        ("fps", "FPS ID 1234567"),
        ("email", "Mule@Example.com"),
        ("e-wallet", "PayMe 9123 4567"),
        ("crypto-wallet", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
        ("social", "https://t.me/Scam_HK"),
    ]:
        ident = normalise(kind, raw)
        assert normalise(ident.kind, ident.value) == ident
        assert ident.kind is not Kind.FPS


def test_deep_json_huge_numbers_and_huge_quoted_fields_are_skipped_and_counted() -> None:
    deep = '{"a":' * 5000 + "1" + "}" * 5000
    found, stats = read(deep + '\n{"msisdn": ' + "9" * 5000 + '}\n{"caller": "9123 4567"}\n', "jsonl")
    assert values(found) == [(3, "caller", "phone", "+85291234567")] and stats.malformed == {"not JSON": 2}
    found, stats = read('caller,memo\n9123 4567,"' + "x" * 200_000 + '"\n5123 4567,ok\n')
    assert [f.line for f in found] == [3] and sum(stats.malformed.values()) == 1
