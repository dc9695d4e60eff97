"""Log formats: how to tell them apart, check lines cheaply, and read a line into fields.

The scanner finds candidate lines from raw bytes; only those are read here, so reading a record
may be slow-ish (JSON decode, CSV quoting) without costing throughput. Each format also has a
chunk-level check that runs at C speed (byte counts) and falls back to a per-line check only for
chunks that look wrong, so malformed lines are counted without parsing every line.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson

TIME_FIELDS = ("timestamp", "@timestamp", "ts", "time", "datetime", "date", "_time", "eventtime", "event_time")
# Pairs of (host field, path field) that together make the URL a client asked for.
URL_PARTS = (
    ("http.hostname", "http.url"),  # Suricata eve.json
    ("host", "uri"),  # Zeek http.log
    ("http_host", "request_uri"),
    ("cs-host", "cs-uri-stem"),  # W3C / IIS style CSV exports
)


class Malformed(ValueError):
    """The line does not have the shape its file's format promises."""


@dataclass(frozen=True)
class Record:
    timestamp: str | None  # RFC 3339 UTC when the log's own time could be read
    fields: list[tuple[str, str]]  # (field name, text); name "" for unstructured text
    urls: list[tuple[str, str]] = field(default_factory=list)  # (fields, URL) rebuilt from host + path


def _utc(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_EPOCH_RE = re.compile(r"^\d{9,10}(?:\.\d+)?$")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}")
_CLF_TIME = "%d/%b/%Y:%H:%M:%S %z"


def read_time(value: object) -> str | None:
    """A log timestamp (epoch seconds, ISO 8601, common-log-format) in RFC 3339 UTC, else None."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _utc(datetime.fromtimestamp(float(value), UTC)) if 1e8 < value < 1e10 else None
        if not isinstance(value, str):
            return None
        text = value.strip()
        if _EPOCH_RE.match(text):
            return _utc(datetime.fromtimestamp(float(text), UTC))
        if _ISO_RE.match(text):
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            return _utc(datetime.fromisoformat(text))
        if len(text) >= 26 and text[2] == "/" and text[6] == "/":
            return _utc(datetime.strptime(text[:26], _CLF_TIME))
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _flatten(value: object, prefix: str, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list):
        for v in value:
            _flatten(v, prefix, out)
    elif isinstance(value, str):
        out.append((prefix, value))
    elif value is not None and not isinstance(value, bool):
        out.append((prefix, str(value)))


def _split_urls(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Full URLs where a format splits them into host and path fields, as (fields, URL)."""
    names = dict(fields)
    out: list[tuple[str, str]] = []
    for host_field, path_field in URL_PARTS:
        host, path = names.get(host_field), names.get(path_field)
        if host and path and not path.startswith(("http://", "https://")):
            out.append((f"{host_field}+{path_field}", f"http://{host}{path}"))
    return out


def _time_of(fields: list[tuple[str, str]]) -> str | None:
    names = {k.lower(): v for k, v in fields}
    for key in TIME_FIELDS:
        if key in names:
            found = read_time(names[key])
            if found:
                return found
    return None


class LogFormat:
    name = "text"

    def chunk_ok(self, chunk: bytes, lines: int) -> bool:
        return True

    def line_ok(self, line: bytes) -> bool:
        return True

    def header(self, line: bytes) -> None:
        """Called with each line before the first data line (CSV and Zeek keep their field names)."""

    def record(self, line: bytes) -> Record:
        text = line.decode("utf-8", "replace")
        return Record(_leading_time(text), [("", text)])


_LEADING_ISO_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)")


def _leading_time(text: str) -> str | None:
    m = _LEADING_ISO_RE.match(text)
    return read_time(m.group(1).replace(",", ".")) if m else None


class JsonLines(LogFormat):
    """JSON lines: Suricata eve.json, Zeek JSON, most SIEM exports."""

    name = "jsonl"

    def chunk_ok(self, chunk: bytes, lines: int) -> bool:
        starts = chunk.count(b"\n{") + (1 if chunk.startswith(b"{") else 0)
        return starts == lines and chunk.count(b"}\n") == lines

    def line_ok(self, line: bytes) -> bool:
        try:
            return isinstance(orjson.loads(line), dict)
        except orjson.JSONDecodeError:
            return False

    def record(self, line: bytes) -> Record:
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise Malformed(f"not JSON: {exc}") from exc
        if not isinstance(doc, dict):
            raise Malformed("a JSON line that is not an object")
        fields: list[tuple[str, str]] = []
        _flatten(doc, "", fields)
        time = None
        for key in TIME_FIELDS:
            if key in doc:
                time = read_time(doc[key])
                if time:
                    break
        return Record(time, fields, _split_urls(fields))


class ZeekTsv(LogFormat):
    """Zeek's native logs: '#fields' names tab-separated columns, '-' is unset."""

    name = "zeek"

    def __init__(self) -> None:
        self.fields: list[str] = []
        self.separator = b"\t"

    def header(self, line: bytes) -> None:
        if line.startswith(b"#fields"):
            self.fields = line.decode("utf-8", "replace").rstrip("\r").split("\t")[1:]

    def chunk_ok(self, chunk: bytes, lines: int) -> bool:
        if b"\n#" in chunk or chunk.startswith(b"#") or not self.fields:
            return False
        return chunk.count(b"\t") == lines * (len(self.fields) - 1)

    def line_ok(self, line: bytes) -> bool:
        return line.startswith(b"#") or line.count(b"\t") == len(self.fields) - 1

    def record(self, line: bytes) -> Record:
        if line.startswith(b"#"):
            self.header(line)
            return Record(None, [])
        parts = line.decode("utf-8", "replace").rstrip("\r").split("\t")
        if len(parts) != len(self.fields):
            raise Malformed(f"{len(parts)} columns where #fields names {len(self.fields)}")
        fields = [(k, v) for k, v in zip(self.fields, parts, strict=True) if v not in ("-", "(empty)")]
        return Record(_time_of(fields), fields, _split_urls(fields))


class Csv(LogFormat):
    """CSV with a header row naming the columns."""

    name = "csv"

    def __init__(self) -> None:
        self.fields: list[str] = []

    def header(self, line: bytes) -> None:
        if not self.fields:
            self.fields = next(csv.reader([line.decode("utf-8", "replace").rstrip("\r")]))

    def chunk_ok(self, chunk: bytes, lines: int) -> bool:
        return b'"' not in chunk and chunk.count(b",") == lines * (len(self.fields) - 1)

    def line_ok(self, line: bytes) -> bool:
        try:
            row = next(csv.reader([line.decode("utf-8", "replace").rstrip("\r")], strict=True))
        except (csv.Error, StopIteration):
            return False
        return len(row) == len(self.fields) or row == self.fields

    def record(self, line: bytes) -> Record:
        try:
            row = next(csv.reader([line.decode("utf-8", "replace").rstrip("\r")], strict=True))
        except (csv.Error, StopIteration) as exc:
            raise Malformed(f"not CSV: {exc}") from exc
        if len(row) != len(self.fields):
            raise Malformed(f"{len(row)} columns where the header names {len(self.fields)}")
        fields = list(zip(self.fields, row, strict=True))
        return Record(_time_of(fields), fields, _split_urls(fields))


_COMBINED_RE = re.compile(
    r'^(?P<client>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<time>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" '
    r'(?P<status>\d{3}|-) (?P<size>\d+|-)(?: "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<agent>(?:[^"\\]|\\.)*)")?'
)


class Combined(LogFormat):
    """Apache/nginx common and combined log formats."""

    name = "combined"

    def chunk_ok(self, chunk: bytes, lines: int) -> bool:
        return chunk.count(b'] "') == lines and chunk.count(b'"') == 6 * lines

    def line_ok(self, line: bytes) -> bool:
        return _COMBINED_RE.match(line.decode("utf-8", "replace")) is not None

    def record(self, line: bytes) -> Record:
        m = _COMBINED_RE.match(line.decode("utf-8", "replace"))
        if m is None:
            raise Malformed("not a common/combined log line")
        fields = [(k, v) for k, v in m.groupdict().items() if v and v != "-"]
        request = m.group("request").split(" ")
        if len(request) >= 2:
            fields.append(("request.target", request[1]))
        return Record(read_time(m.group("time")), fields)


FORMATS: dict[str, type[LogFormat]] = {f.name: f for f in (LogFormat, JsonLines, ZeekTsv, Csv, Combined)}


def detect(head: bytes) -> LogFormat:
    """Pick a format from the first lines of a file."""
    lines = [line for line in head.split(b"\n")[:20] if line.strip()]
    if not lines:
        return LogFormat()
    first = lines[0].lstrip(b"\xef\xbb\xbf")
    if first.startswith(b"#separator") or first.startswith(b"#fields"):
        return ZeekTsv()
    if first.startswith(b"{") and JsonLines().line_ok(first):
        return JsonLines()
    sample = [line.decode("utf-8", "replace") for line in lines[:5]]
    if sum(1 for s in sample if _COMBINED_RE.match(s)) >= max(1, len(sample) - 1):
        return Combined()
    if len(lines) >= 2 and b"," in first:
        header = next(csv.reader([sample[0]]))
        if all(re.match(r"^[A-Za-z_@][\w .@-]*$", h.strip()) for h in header):
            rows = list(csv.reader(sample[1:]))
            if rows and all(len(r) == len(header) for r in rows):
                return Csv()
    return LogFormat()
