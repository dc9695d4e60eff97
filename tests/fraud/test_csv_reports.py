"""The CSV reader of fraud reports: both shapes, aliases, encodings, bands, dates, bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from lionrock.errors import Invalid, TooLarge
from lionrock.fraud import csv_reports
from lionrock.fraud.csv_reports import amount_band, parse
from lionrock.fraud.identifiers import normalise

DATA = Path(__file__).resolve().parent / "data"


def test_the_police_list_shape() -> None:
    parsed = parse((DATA / "police_list.csv").read_bytes())
    assert [(r.type, r.scam_type, r.role) for r in parsed.rows] == [
        ("bank-account", "investment", "receiving-account"),
        ("phone", "impersonation-of-officials", "caller"),
        ("fps", "shopping", "receiving-account"),
        ("email", "phishing", "sender"),
        ("crypto-wallet", "investment", "receiving-account"),
    ]
    assert [r.reported for r in parsed.rows][:3] == ["2026-11-02", "2026-11-03", "2026-11-04"]  # 03/11 is day-first
    assert [r.line for r in parsed.rows] == [2, 3, 4, 5, 6]


def test_the_bank_export_shape_joins_the_bank_code_and_drops_the_case_ref() -> None:
    parsed = parse((DATA / "bank_export.csv").read_bytes())
    assert parsed.ignored == ("Case Ref",)
    assert [normalise(r.type, r.value).value for r in parsed.rows] == [
        "004-123-456789001",
        "012-875-12345678",
        "012-875-12345679",  # the account already began with its bank code
    ]
    assert [r.amount_band for r in parsed.rows] == ["10k-100k", "100k-1m", "1m-10m"]
    assert all("C-2026" not in repr(r) for r in parsed.rows)


def test_big5_is_read_when_the_bytes_are_not_utf8() -> None:
    parsed = parse((DATA / "bank_export_big5.csv").read_bytes())
    assert parsed.encoding == "cp950"
    assert parsed.columns["account"] == "戶口號碼"
    (row,) = parsed.rows
    assert (row.scam_type, row.reported, row.amount_band) == ("shopping", "2026-11-01", "under-10k")


def test_chinese_headers_in_utf8_with_a_bom() -> None:
    data = "\ufeff電話號碼,騙案類型,日期,可信度,備註\n9123 4567,投資騙案,2026-11-01,80,假投資平台\n".encode()
    (row,) = parse(data).rows
    assert (row.type, row.scam_type, row.confidence, row.notes) == ("phone", "investment", 80, "假投資平台")


@pytest.mark.parametrize(
    ("header", "canon"),
    [("Account No.", "account"), ("ACCOUNT NUMBER", "account"), (" phone ", "phone"), ("Amount (HKD)", "amount")],
)
def test_headers_match_case_insensitively_with_their_aliases(header: str, canon: str) -> None:
    data = f"{header},Scam Type\n".encode()
    if canon == "amount":
        data = f"Phone,Scam Type,{header}\n91234567,loan,500\n".encode()
        assert parse(data).columns["amount"] == header.strip()
        return
    data += b"91234567,loan\n" if canon == "phone" else b"004-123-456789-001,loan\n"
    assert canon in parse(data).columns


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        ("0", "under-10k"),
        ("9,999.99", "under-10k"),
        ("HK$10,000", "10k-100k"),
        ("HKD 999999", "100k-1m"),
        ("1000000", "1m-10m"),
        ("12,000,000 港元", "over-10m"),
    ],
)
def test_amounts_become_bands(amount: str, band: str) -> None:
    assert amount_band(amount) == band


@pytest.mark.parametrize("amount", ["-5", "1e9", "about 5000", "five", "1,000,000,000,000,000,000"])
def test_an_amount_that_is_not_a_sum_is_refused(amount: str) -> None:
    with pytest.raises(Invalid):
        amount_band(amount)


def test_every_bad_line_is_named_by_its_number() -> None:
    data = b"Phone,Scam Type,Date,Confidence\n91234567,loan,2026-13-01,\n,loan,,\n91234567,loan,,101\n91234567,,,\n"
    with pytest.raises(Invalid) as exc:
        parse(data)
    assert [p.index for p in exc.value.problems] == [2, 3, 4, 5]
    assert all(p.message.startswith(f"line {p.index}:") for p in exc.value.problems)


def test_a_file_without_an_identifier_column_or_rows_is_refused() -> None:
    with pytest.raises(Invalid, match="no column holds the identifier"):
        parse(b"Name,Scam Type\nx,loan\n")
    with pytest.raises(Invalid, match="no rows"):
        parse(b"Phone,Scam Type\n")
    with pytest.raises(Invalid, match="empty"):
        parse(b"\n\n")
    with pytest.raises(Invalid, match="more than one column"):
        parse(b"Phone,Account No,Scam Type\n1,2,loan\n")
    with pytest.raises(Invalid, match="needs a Type column"):
        parse(b"Identifier,Scam Type\n91234567,loan\n")


def test_bounds_size_rows_and_cells() -> None:
    with pytest.raises(TooLarge):
        parse(b"x" * (csv_reports.MAX_BYTES + 1))
    many = b"Phone,Scam Type\n" + b"91234567,loan\n" * (csv_reports.MAX_ROWS + 1)
    with pytest.raises(TooLarge, match="rows"):
        parse(many)
    long_cell = b"Phone,Scam Type,Notes\n91234567,loan," + b"a" * (csv_reports.MAX_FIELD + 1) + b"\n"
    with pytest.raises(Invalid) as exc:
        parse(long_cell)
    assert "line 2: a cell is longer than 2000 characters" in exc.value.problems[0].message


def test_a_formula_is_data() -> None:
    data = b"Phone,Scam Type,Notes\n91234567,loan,\"=cmd|' /C calc'!A0\"\n"
    (row,) = parse(data).rows
    assert row.notes == "=cmd|' /C calc'!A0"
