"""Readers: the same advisory in three formats, and hostile or broken files."""

from __future__ import annotations

import io
import zipfile

import pytest

from lionrock.intake.document import DocumentError, Limits
from lionrock.intake.indicators import extract
from lionrock.intake.readers import read_document, sniff
from tests.conftest import shared

IOC_TYPES = {"ipv4-addr", "md5", "sha1", "sha256", "cidr"}


def _iocs(name: str) -> dict[str, set[str]]:
    path = shared("reports", "tram", "formats", name)
    findings = extract(read_document(path.read_bytes(), name))
    out: dict[str, set[str]] = {}
    for f in findings:
        if f.type in IOC_TYPES or (f.type == "domain-name" and not f.flags):
            out.setdefault(f.type, set()).add(f.value)
    return out


def test_cisa_advisory_gives_the_same_findings_in_pdf_docx_and_html() -> None:
    pdf, docx, html = _iocs("AA20-302A.pdf"), _iocs("AA20-302A.docx"), _iocs("AA20-302A.html")
    assert len(pdf["ipv4-addr"]) >= 30 and len(pdf["sha1"]) >= 10
    for kind in ("ipv4-addr", "sha1"):
        assert pdf[kind] == docx[kind] == html[kind], kind
    malicious = {"kostunivo.com", "chishir.com", "mangoclone.com", "onixcellent.com"}
    for found in (pdf, docx, html):
        assert malicious <= found["domain-name"]


def test_pdf_pages_are_known() -> None:
    doc = read_document(shared("reports", "tram", "formats", "AA20-302A.pdf").read_bytes(), "a.pdf")
    assert doc.kind == "pdf" and len(doc.page_starts) > 10
    assert doc.page_at(0) == 1 and doc.page_at(len(doc.text) - 1) == len(doc.page_starts)


def test_html_keeps_content_and_drops_scripts_and_menus() -> None:
    html = (
        b"<html><head><title>T</title><script>var c2='evil-script.example';</script></head><body>"
        b"<nav>menu.example</nav><article><p>C2 at bad-host.com</p><table><tr><td>1.2.3.4</td>"
        b"<td>x</td></tr></table></article><footer>foot.example</footer></body></html>"
    )
    doc = read_document(html, "r.html")
    assert "bad-host.com" in doc.text and "1.2.3.4 | x" in doc.text
    assert "evil-script" not in doc.text and "menu.example" not in doc.text and doc.title == "T"


def test_eml_headers_bodies_and_attachment_hashes() -> None:
    raw = (
        b"From: Attacker <ceo@evil-corp.com>\r\nTo: staff@bank.example\r\nSubject: Invoice\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
        b"Content-Type: text/plain\r\n\r\nPay now via hxxps://pay-evil[.]com/x\r\n--XX\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=inv.exe\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--XX--\r\n"
    )
    doc = read_document(raw, "m.eml")
    assert doc.kind == "eml" and doc.attachments[0].name == "inv.exe"
    found = {(f.type, f.value) for f in extract(doc)}
    assert ("url", "https://pay-evil.com/x") in found and ("email-addr", "ceo@evil-corp.com") in found
    assert ("sha256", doc.attachments[0].sha256) in found


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7 this is not really a pdf", "x.pdf"),
        (b"PK\x03\x04 broken zip", "x.docx"),
        (b"\x00\x01garbage", "x.docx"),
    ],
)
def test_broken_files_get_a_clear_error(data: bytes, name: str) -> None:
    with pytest.raises(DocumentError):
        read_document(data, name)


def test_zip_bomb_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(DocumentError, match="zip bomb"):
        read_document(buf.getvalue(), "bomb.docx", Limits(max_unzipped_bytes=10 * 1024 * 1024))


def test_size_limit() -> None:
    with pytest.raises(DocumentError, match="limit"):
        read_document(b"a" * 1000, "a.txt", Limits(max_bytes=100))


def test_sniffing_prefers_content_over_name() -> None:
    assert sniff(b"%PDF-1.4", "report.txt") == "pdf"
    assert sniff(b"<!DOCTYPE html><html>", "x") == "html"
    assert sniff(b"Received: from a\r\nFrom: b", None) == "eml"
    assert sniff(b"hello", "notes.md") == "text"
