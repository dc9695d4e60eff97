"""Log formats: detection, fields, the log's own time, compression, stdin, and bad lines."""

import bz2
import gzip
import io
import json
import lzma
from pathlib import Path

import pytest

from lionrock.match import Scanner, ScanStats, detect, open_log
from lionrock.match.formats import Combined, Csv, JsonLines, LogFormat, ZeekTsv, read_time
from tests.match.helpers import compiled, ind, scan

EVIL = ind("[domain-name:value = 'evil.com']")
URL = ind("[url:value = 'http://evil.com/gate.php']")
IP = ind("[ipv4-addr:value = '198.51.100.7']")


def eve(**fields: object) -> str:
    base = {"timestamp": "2026-11-22T10:00:00.123456+0800", "event_type": "dns", "src_ip": "10.0.0.1"}
    return json.dumps(base | fields)


def test_suricata_eve_fields_time_and_url_rebuilt_from_host_and_path() -> None:
    text = "\n".join(
        [
            eve(dns={"rrname": "www.evil.com"}),
            eve(event_type="http", http={"hostname": "EVIL.com", "url": "/gate.php", "http_method": "GET"}),
            eve(event_type="http", http={"hostname": "good.com", "url": "/gate.php"}),
        ]
    )
    hits, stats = scan(compiled(EVIL, URL), text)
    got = {(h.line, h.indicator_id, h.field) for h in hits}
    assert (1, EVIL["id"], "dns.rrname") in got
    assert (2, URL["id"], "http.hostname+http.url") in got
    assert (2, EVIL["id"], "http.hostname") in got
    assert not any(line == 3 for line, _, _ in got)
    assert all(h.timestamp == "2026-11-22T02:00:00.123456Z" for h in hits)
    assert stats.malformed == 0


def test_zeek_json_epoch_time() -> None:
    line = json.dumps({"ts": 1795000000.5, "uid": "C1", "id.orig_h": "10.0.0.1", "id.resp_h": "198.51.100.7"})
    (hit,) = scan(compiled(IP), line)[0]
    assert hit.field == "id.resp_h" and hit.timestamp == "2026-11-18T11:06:40.500000Z"


ZEEK = (
    "#separator \\x09\n#path\thttp\n#fields\tts\tuid\tid.orig_h\tid.resp_h\thost\turi\n"
    "#types\ttime\tstring\taddr\taddr\tstring\tstring\n"
    "1795000000.000000\tC1\t10.0.0.1\t192.0.2.1\tevil.com\t/gate.php\n"
    "1795000001.000000\tC2\t10.0.0.1\t198.51.100.7\t-\t-\n"
    "1795000002.000000\tC3\tbroken line with too few columns 198.51.100.7\n"
    "#close\t2026-11-22-10-00-00\n"
)


def test_zeek_tsv_fields_url_and_malformed_lines() -> None:
    assert detect(ZEEK.encode()).name == "zeek"
    hits, stats = scan(compiled(EVIL, URL, IP), ZEEK)
    got = {(h.line, h.indicator_id, h.field) for h in hits}
    assert (5, URL["id"], "host+uri") in got and (5, EVIL["id"], "host") in got
    assert (6, IP["id"], "id.resp_h") in got
    assert (7, IP["id"], None) in got  # the broken line is counted, and still read as text
    assert stats.malformed == 1
    assert next(h for h in hits if h.line == 6).timestamp == "2026-11-18T11:06:41.000000Z"


def test_csv_with_header() -> None:
    text = 'time,sender,action\n2026-11-22 10:00:00,Bob@evil.com,quarantined\n2026-11-22 10:00:01,"x, y",ok\n'
    assert detect(text.encode()).name == "csv"
    hits, stats = scan(compiled(EVIL), text)
    assert [(h.line, h.field, h.timestamp) for h in hits] == [(2, "sender", "2026-11-22T10:00:00.000000Z")]
    assert stats.malformed == 0


def test_combined_web_log() -> None:
    text = (
        '10.0.0.1 - - [22/Nov/2026:10:00:00 +0800] "GET http://evil.com/gate.php HTTP/1.1" 200 5 "-" "curl/8"\n'
        '10.0.0.2 - - [22/Nov/2026:10:00:01 +0800] "GET / HTTP/1.1" 200 5 "http://www.evil.com/" "curl/8"\n'
    )
    assert detect(text.encode()).name == "combined"
    hits, _ = scan(compiled(EVIL, URL), text)
    assert {(h.line, h.indicator_id) for h in hits} == {(1, EVIL["id"]), (1, URL["id"]), (2, EVIL["id"])}
    assert all(h.timestamp and h.timestamp.startswith("2026-11-22T02:00:0") for h in hits)


def test_plain_text_is_token_based() -> None:
    assert detect(b"Nov 22 10:00:00 fw1 DROP src=198.51.100.7\n").name == "text"
    assert [h.line for h in scan(compiled(IP), "Nov 22 10:00:00 fw1 DROP src=198.51.100.7 dst=x\n")[0]] == [1]


def test_malformed_json_lines_are_counted_and_never_fatal() -> None:
    text = "\n".join([eve(dns={"rrname": "a.com"}), '{"broken": ', "\x00\xff binary", eve(dns={"rrname": "evil.com"})])
    hits, stats = scan(compiled(EVIL), text.encode("latin-1"), fmt=JsonLines())
    assert [h.line for h in hits] == [4]
    assert stats.malformed == 2 and stats.lines == 4


def test_crlf_blank_lines_missing_final_newline_and_empty_input() -> None:
    assert [h.line for h in scan(compiled(EVIL), "a\r\n\r\nevil.com\r\nx evil.com")[0]] == [3, 4]
    hits, stats = scan(compiled(EVIL), "")
    assert hits == [] and stats.lines == 0


def test_a_line_longer_than_a_chunk() -> None:
    text = "x" * (3 << 20) + " evil.com\nevil.com\n"
    assert [h.line for h in scan(compiled(EVIL), text)[0]] == [1, 2]


@pytest.mark.parametrize("opener", [gzip.open, bz2.open, lzma.open])
def test_compressed_logs_are_recognised_by_content(tmp_path: Path, opener: object) -> None:
    path = tmp_path / "log.any"
    with opener(path, "wt") as out:  # type: ignore[operator]
        out.write("x\n" * 1000 + "q evil.com\n")
    stats = ScanStats()
    with open_log(str(path)) as stream:
        hits = list(Scanner(compiled(EVIL)).scan(stream, str(path), stats=stats))
    assert [h.line for h in hits] == [1001]
    assert stats.bytes == len("x\n" * 1000 + "q evil.com\n")


def test_forced_format_and_format_registry() -> None:
    text = '{"a": "evil.com"}\n'
    assert [h.field for h in scan(compiled(EVIL), text, fmt=LogFormat())[0]] == [None]
    assert [h.field for h in scan(compiled(EVIL), text, fmt=JsonLines())[0]] == ["a"]
    assert {ZeekTsv.name, Csv.name, Combined.name} <= {"zeek", "csv", "combined"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-22T10:00:00Z", "2026-11-22T10:00:00.000000Z"),
        ("2026-11-22 10:00:00.5+08:00", "2026-11-22T02:00:00.500000Z"),
        ("1795000000", "2026-11-18T11:06:40.000000Z"),
        ("22/Nov/2026:10:00:00 +0800", "2026-11-22T02:00:00.000000Z"),
        ("yesterday", None),
        ("2026-13-45T99:00:00Z", None),
    ],
)
def test_log_times(raw: str, expected: str | None) -> None:
    assert read_time(raw) == expected


def test_scanner_reads_any_binary_stream() -> None:
    stats = ScanStats()
    hits = list(Scanner(compiled(EVIL)).scan(io.BytesIO(b"evil.com\n"), "-", stats=stats))
    assert len(hits) == 1 and stats.files == 1
