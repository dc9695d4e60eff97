"""Fraud identifiers in payment and call records (CSV with a header row, or JSON lines).

Which columns hold identifiers is decided by their names (case-insensitive, with aliases in
English and Chinese) or by the caller's overrides; each value is read with `normalise`, the rule
the hub applies to reports, so `9123 4567` in a call record is the `+852 9123 4567` a bank reported.
The file is read as a stream of bounded lines: a hostile or broken record is counted and skipped,
a value that is not an identifier is counted per column, and neither stops the read.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from lionrock.errors import BadRequest, LionrockError
from lionrock.fraud.identifiers import Identifier, Kind, normalise

MAX_LINE = 1 << 20  # bytes in one line; a longer one is skipped and counted
MAX_FIELDS = 2000  # columns in a header (or keys in a JSON record)
MAX_DEPTH = 4  # nesting of JSON objects read for keys
_CACHE = 100_000  # distinct written values whose reading is remembered
IGNORE = "ignore"  # an override that stops a column being read

# Counterparty columns only: the payer's own account and the number a call went to are the bank's
# customers, whom a check must not disclose; read them on purpose with --field COLUMN=KIND.
_ALIASES: dict[Kind, tuple[str, ...]] = {
    Kind.BANK_ACCOUNT: (
        "payee_account",
        "payee_account_no",
        "payee_account_number",
        "beneficiary_account",
        "beneficiary_account_no",
        "beneficiary_account_number",
        "to_account",
        "to_account_no",
        "creditor_account",
        "account_no",
        "account_number",
        "bank_account",
        "收款戶口",
        "收款人戶口",
        "收款帳戶",
        "收款賬戶",
        "收款戶口號碼",
    ),
    Kind.PHONE: (
        "payee_phone",
        "payee_mobile",
        "beneficiary_phone",
        "caller",
        "caller_number",
        "caller_id",
        "calling_number",
        "calling_party",
        "a_number",
        "msisdn",
        "phone",
        "phone_number",
        "來電號碼",
        "來電",
        "致電號碼",
    ),
    Kind.FPS: ("fps_id", "fps_proxy", "fps_proxy_id", "fps", "payee_fps", "payee_fps_id", "轉數快", "轉數快id"),
    Kind.CRYPTO_WALLET: ("wallet", "wallet_address", "crypto_address", "crypto_wallet", "payee_wallet", "錢包地址"),
    Kind.E_WALLET: ("ewallet", "e_wallet", "payee_ewallet", "payee_e_wallet", "電子錢包"),
    Kind.EMAIL: ("email", "e_mail", "payee_email", "beneficiary_email", "電郵"),
}
ALIASES: dict[str, Kind] = {name: kind for kind, names in _ALIASES.items() for name in names}
_BANK_CODE_RE = re.compile(r"^(?P<prefix>.*?)_?(?:bank_code|bank_no|bank_id|銀行編號|銀行代號|銀行代碼)\Z")
_ACCOUNT_RE = re.compile(r"^(?P<prefix>.*?)_?(?:account_no|account_number|account)\Z")
_SEPARATORS = re.compile(r"[^\w]+|_+")


def column_key(name: str) -> str:
    """How a column name is compared: NFKC, case-folded, runs of separators one '_'.
    'Beneficiary Account' -> 'beneficiary_account', 'FPS-ID' -> 'fps_id', '來電號碼' unchanged."""
    return _SEPARATORS.sub("_", unicodedata.normalize("NFKC", name).casefold()).strip("_")


def parse_override(text: str) -> tuple[str, str]:
    """'COLUMN=KIND' (KIND an identifier kind or 'ignore') -> (column key, kind)."""
    column, sep, kind = text.rpartition("=")
    kind = kind.strip().lower()
    if not sep or not column.strip():
        raise BadRequest(f"--field {text!r}: write COLUMN=KIND")
    if kind != IGNORE and kind not in {k.value for k in Kind}:
        raise BadRequest(f"--field {text!r}: KIND is one of {', '.join([*Kind, IGNORE])}")
    return column_key(column), kind


@dataclass(frozen=True)
class Found:
    """One identifier in one record: where it was (line, column), as written, and what it is."""

    line: int
    column: str
    written: str
    identifier: Identifier
    id: str  # the identifier's STIX id, computed once per distinct value

    @property
    def kind(self) -> Kind:
        return self.identifier.kind


@dataclass
class ReadStats:
    """What the read saw; every count is shown to the user, nothing is dropped silently."""

    bytes: int = 0
    rows: int = 0
    found: Counter[str] = field(default_factory=Counter)  # identifier kind -> occurrences
    distinct: Counter[str] = field(default_factory=Counter)  # identifier kind -> distinct identifiers
    bad_values: Counter[str] = field(default_factory=Counter)  # column -> values that are not identifiers
    malformed: Counter[str] = field(default_factory=Counter)  # reason -> lines skipped
    columns: dict[str, str] = field(default_factory=dict)  # column -> kind read from it


@dataclass(frozen=True)
class _Column:
    name: str
    kind: str  # an identifier kind
    bank_code: str | None = None  # the column whose bank code goes before this account


class Columns:
    """Which columns are read as what: overrides first, then the aliases; bank-code columns pair
    with the account column of the same prefix (`payee_bank_code` + `payee_account_no`), or with the
    only account column when there is one bank-code column."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._known: dict[tuple[str, ...], list[_Column]] = {}

    def _kind(self, name: str) -> str | None:
        key = column_key(name)
        if key in self.overrides:
            kind = self.overrides[key]
            return None if kind == IGNORE else kind
        found = ALIASES.get(key)
        return found.value if found else None

    def plan(self, names: tuple[str, ...]) -> list[_Column]:
        """The columns to read among `names`, remembered per set of names (JSON records repeat theirs)."""
        known = self._known.get(names)
        if known is not None:
            return known
        kinds = {name: self._kind(name) for name in names}
        codes = {
            m["prefix"]: name
            for name in names
            if (m := _BANK_CODE_RE.match(column_key(name))) and column_key(name) not in self.overrides
        }
        accounts = [name for name in names if kinds[name] == Kind.BANK_ACCOUNT.value]
        plan = []
        for name in names:
            kind = kinds[name]
            if kind is None:
                continue
            code = None
            if kind == Kind.BANK_ACCOUNT.value:
                m = _ACCOUNT_RE.match(column_key(name))
                code = codes.get(m["prefix"]) if m else None
                if code is None and len(codes) == 1 and len(accounts) == 1:
                    code = next(iter(codes.values()))
            plan.append(_Column(name, kind, code))
        if len(self._known) < 1000:
            self._known[names] = plan
        return plan


class _Reader:
    """Values -> identifiers, remembering the answer for values written many times."""

    def __init__(self, columns: Columns, stats: ReadStats) -> None:
        self.columns = columns
        self.stats = stats
        self.cache: dict[tuple[str, str], tuple[Identifier, str] | None] = {}
        self.seen: set[str] = set()

    def _normalise(self, kind: str, text: str) -> tuple[Identifier, str] | None:
        key = (kind, text)
        if key in self.cache:
            return self.cache[key]
        try:
            ident = normalise(kind, text)
            read: tuple[Identifier, str] | None = (ident, ident.id)
        except LionrockError:
            read = None
        if len(self.cache) >= _CACHE:
            self.cache.clear()
        self.cache[key] = read
        return read

    def _account(self, code: str, account: str) -> tuple[Identifier, str] | None:
        """A bank code and an account number from two columns; an account cell that already starts
        with its bank code is read alone when the joined form is not an account."""
        joined = self._normalise(Kind.BANK_ACCOUNT.value, f"{code}-{account}")
        if joined is None and "".join(account.split()).startswith(code):
            return self._normalise(Kind.BANK_ACCOUNT.value, account)
        return joined

    def record(self, line: int, row: Mapping[str, str]) -> Iterator[Found]:
        self.stats.rows += 1
        for col in self.columns.plan(tuple(row)):
            text = row[col.name].strip()
            if not text:
                continue
            self.stats.columns.setdefault(col.name, col.kind)
            code = row.get(col.bank_code, "").strip() if col.bank_code else ""
            read = self._account(code, text) if code else self._normalise(col.kind, text)
            if read is None:
                self.stats.bad_values[col.name] += 1
                continue
            ident, ident_id = read
            self.stats.found[ident.kind.value] += 1
            if ident_id not in self.seen:
                self.seen.add(ident_id)
                self.stats.distinct[ident.kind.value] += 1
            yield Found(line, col.name, text, ident, ident_id)


def _lines(stream: IO[bytes], stats: ReadStats, progress: Callable[[int], None] | None) -> Iterator[tuple[int, bytes]]:
    """(line number, line) with the BOM and line ending removed; a line over MAX_LINE is skipped
    (read on in chunks, never held whole) and counted."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        size = len(line)
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                size += len(rest)
            size += len(rest)
            stats.bytes += size
            if progress:
                progress(size)
            stats.malformed[f"line over {MAX_LINE >> 20} MiB"] += 1
            continue
        stats.bytes += size
        if progress:
            progress(size)
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        yield number, line.rstrip(b"\r\n")


def _text(line: bytes, encoding: str, stats: ReadStats) -> str:
    try:
        text = line.decode(encoding)
    except UnicodeDecodeError:
        stats.malformed[f"not {encoding} (read with replacement characters)"] += 1
        text = line.decode(encoding, errors="replace")
    if "\x00" in text:
        stats.malformed["NUL bytes (removed)"] += 1
        text = text.replace("\x00", "")
    return text


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_cells(text: str, delimiter: str) -> list[str] | None:
    try:
        return next(csv.reader([text], delimiter=delimiter, strict=True), [])
    except csv.Error:
        return None


def read_csv(
    stream: IO[bytes],
    columns: Columns,
    stats: ReadStats,
    *,
    encoding: str = "utf-8",
    progress: Callable[[int], None] | None = None,
) -> Iterator[Found]:
    """Identifiers in a CSV file with a header row, one record a line (a record split over lines by
    a quoted line break is counted as malformed). BadRequest when the header is unusable."""
    reader = _Reader(columns, stats)
    lines = _lines(stream, stats, progress)
    header: list[str] | None = None
    delimiter = ","
    for number, raw in lines:
        text = _text(raw, encoding, stats)
        if header is None:
            if not text.strip():
                continue
            delimiter = _delimiter(text)
            header = _csv_cells(text, delimiter)
            if header is None:
                raise BadRequest("the header row is not CSV")
            if len(header) > MAX_FIELDS:
                raise BadRequest(f"the header has {len(header):,} columns; at most {MAX_FIELDS:,} are read")
            named = [column_key(h) for h in header if column_key(h)]
            if len(set(named)) < len(named):
                raise BadRequest("the header names a column twice")
            continue
        if not text.strip():
            continue
        cells = _csv_cells(text, delimiter)
        if cells is None:
            stats.malformed["not CSV (an unclosed quote, or a field over 128 KiB)"] += 1
            continue
        if len(cells) != len(header):
            stats.malformed["wrong number of fields"] += 1
            continue
        yield from reader.record(number, dict(zip(header, cells, strict=True)))
    if header is None:
        raise BadRequest("the file is empty: no header row")


def _flatten(obj: Mapping[str, Any], into: dict[str, str], prefix: str = "", depth: int = 0) -> None:
    """Strings and whole numbers by dotted key (lists are not read: their items have no column)."""
    for key, value in obj.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if len(into) > MAX_FIELDS:
            return
        if isinstance(value, dict) and depth < MAX_DEPTH:
            _flatten(value, into, name, depth + 1)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            into[name] = str(value)


def read_jsonl(
    stream: IO[bytes],
    columns: Columns,
    stats: ReadStats,
    *,
    encoding: str = "utf-8",
    progress: Callable[[int], None] | None = None,
) -> Iterator[Found]:
    """Identifiers in JSON lines, one object a line; a key names its column (`payee.account` for
    nested objects, read as `payee_account`)."""
    reader = _Reader(columns, stats)
    for number, raw in _lines(stream, stats, progress):
        text = _text(raw, encoding, stats)
        if not text.strip():
            continue
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError:
            stats.malformed["not JSON"] += 1
            continue
        if not isinstance(obj, dict):
            stats.malformed["not a JSON object"] += 1
            continue
        flat: dict[str, str] = {}
        _flatten(obj, flat)
        if len(flat) > MAX_FIELDS:
            stats.malformed[f"over {MAX_FIELDS:,} fields"] += 1
            continue
        yield from reader.record(number, flat)


def detect(name: str, head: bytes) -> str:
    """'csv' or 'jsonl', by the file name's ending, else by the first character."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    return "jsonl" if head.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"{" else "csv"


def read_records(
    stream: IO[bytes],
    fmt: str,
    columns: Columns,
    stats: ReadStats,
    *,
    encoding: str = "utf-8",
    progress: Callable[[int], None] | None = None,
) -> Iterator[Found]:
    """Every identifier in the records, in file order (each occurrence; `stats.distinct` counts
    them once)."""
    read = read_jsonl if fmt == "jsonl" else read_csv
    return read(stream, columns, stats, encoding=encoding, progress=progress)
