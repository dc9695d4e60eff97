"""Reader limits, pure: each hostile shape is refused by the limit that names itself, fast."""

from __future__ import annotations

import base64
import time
import zlib

import pytest

from lionrock.intake.document import MIB, DocumentError, Limits
from lionrock.intake.headers import decode_header
from lionrock.intake.html_depth import max_depth
from lionrock.intake.readers import read_document
from lionrock.intake.worker import Task, extract
from tests.intake.hostile import (
    docx_padded,
    docx_paragraphs,
    docx_parts,
    eml_with_encoded_words,
    html_nested,
    pdf_inflating_to,
    pdf_with_pages,
    repeated_zlib,
)


def _b(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode(charset)).decode()}?="


def test_rfc2047_decoding_joins_adjacent_words_and_keeps_other_text() -> None:
    assert decode_header(f"{_b('Pay ')} {_b('now')}") == "Pay now"
    assert decode_header(f"Re: {_b('發票')} from  Bank") == "Re: 發票 from  Bank"
    assert decode_header("=?iso-8859-1?q?caf=E9_au_lait?=") == "café au lait"
    assert decode_header("=?x-unknown?b?aGk=?= there") == "hi there"
    assert decode_header("plain\r\n folded") == "plain folded"
    raw = "發".encode()  # one character split across two encoded words decodes whole
    split = f"=?utf-8?b?{base64.b64encode(raw[:1]).decode()}?= =?utf-8?b?{base64.b64encode(raw[1:]).decode()}?="
    assert decode_header(split) == "發"


def test_rfc2047_decoding_is_linear_in_50000_encoded_words() -> None:
    header = "\r\n ".join(_b(f"w{i} ") for i in range(50_000))
    started = time.monotonic()
    decoded = decode_header(header)
    assert time.monotonic() - started < 2.0
    assert decoded.startswith("w0 w1 ") and decoded.endswith("w49999 ")


def test_email_header_longer_than_the_limit_is_refused_naming_it() -> None:
    data = eml_with_encoded_words(50_000)
    started = time.monotonic()
    with pytest.raises(DocumentError, match=r"Subject header .* \(max_header_chars\)"):
        read_document(data, "bomb.eml")
    assert time.monotonic() - started < 2.0
    doc = read_document(data, "bomb.eml", Limits(max_header_chars=10**7))  # decoded in linear time
    assert doc.title is not None and doc.title.endswith("word49999 ")


def test_pdf_page_count_is_checked_before_any_page_is_loaded() -> None:
    data = pdf_with_pages(1999)
    started = time.monotonic()
    with pytest.raises(DocumentError, match=r"1,999 pages.*\(max_pages\)"):
        read_document(data, "long.pdf")
    assert time.monotonic() - started < 2.0
    assert read_document(pdf_with_pages(3), "short.pdf").text.count("page") == 3


def test_pdf_stream_inflating_past_the_limit_is_refused_before_pdfium_reads_it() -> None:
    data = pdf_inflating_to(64 * MIB)
    assert len(data) < 1 * MIB
    with pytest.raises(DocumentError, match=r"\(max_pdf_stream_bytes\)"):
        read_document(data, "bomb.pdf", Limits(max_pdf_stream_bytes=16 * MIB))
    with pytest.raises(DocumentError, match=r"\(max_pdf_inflated_bytes\)"):
        read_document(data, "bomb.pdf", Limits(max_pdf_stream_bytes=128 * MIB, max_pdf_inflated_bytes=32 * MIB))
    assert "lionrock" in read_document(pdf_inflating_to(1 * MIB), "fine.pdf").text


def test_repeated_zlib_helper_inflates_to_what_it_says() -> None:
    assert len(zlib.decompress(repeated_zlib(b"abc" * 1000, 50))) == 150_000


def test_html_nesting_depth_is_checked_before_parsing() -> None:
    started = time.monotonic()
    with pytest.raises(DocumentError, match=r"nests elements too deeply.*\(max_html_depth\)"):
        read_document(html_nested(1_000_000), "deep.html")
    assert time.monotonic() - started < 2.0
    assert read_document(html_nested(500), "ok.html").text == "deep"


def test_html_depth_estimate_cannot_be_hidden_by_stray_end_tags_or_self_closing_syntax() -> None:
    assert max_depth("<div></span>" * 5000, 10**9) == 5000
    assert max_depth("<div/>" * 3000, 10**9) == 3000  # HTML ignores "/>" on a div: each one opens
    assert max_depth("<svg>" + "<path/>" * 3000 + "</svg>", 10**9) == 1  # in SVG it closes
    assert max_depth("<p>a<br><img src=x><script>'<div><div><div>'</script><!-- <div> -->", 10**9) == 2


def test_docx_with_incompressible_padding_is_refused_by_its_main_part() -> None:
    # 1.1 MB of random padding keeps the archive's overall ratio low; the part actually read is checked
    with pytest.raises(DocumentError, match=r"\(max_zip_ratio\)"):
        read_document(docx_padded(40), "padded.docx")
    with pytest.raises(DocumentError, match=r"\(max_unzipped_bytes\)"):
        read_document(docx_padded(100), "huge.docx")


def test_docx_inflated_bytes_are_counted_across_the_parts_read() -> None:
    data = docx_paragraphs("\n".join(f"paragraph {i} at 198.51.100.{i % 250}" for i in range(40_000)))
    with pytest.raises(DocumentError, match=r"\(max_unzipped_bytes\)"):
        read_document(data, "big.docx", Limits(max_unzipped_bytes=1 * MIB, max_zip_ratio=10**6))
    assert read_document(data, "big.docx").text.count("\n") == 39_999


def test_docx_is_read_as_a_stream_of_paragraphs_and_table_rows() -> None:
    body = (
        "<w:p><w:r><w:t>C2 at </w:t></w:r><w:r><w:t>bad-host.com</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>1.2.3.4</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:sectPr/>"
    )
    doc = read_document(docx_parts([body.encode()], 1, {}), "r.docx")
    assert doc.text == "C2 at bad-host.com\n1.2.3.4 | x"


def test_text_beyond_the_cap_is_refused_naming_the_limit() -> None:
    with pytest.raises(DocumentError, match=r"too much text.*\(max_chars\)"):
        read_document(b"a" * 2000, "a.txt", Limits(max_chars=1000))


def test_findings_beyond_the_cap_are_refused_naming_the_limit() -> None:
    text = " ".join(f"198.51.{i // 250}.{i % 250}" for i in range(300)).encode()
    with pytest.raises(DocumentError, match=r"yields \d{3} findings.*\(max_findings\)"):
        extract(Task(text, "iocs.txt", Limits(max_findings=100), 1024, 60))
    assert len(extract(Task(text, "iocs.txt", Limits(), 1024, 60))["indicators"]) >= 300
