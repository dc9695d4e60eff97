"""Fraud reports from a CSV file: the Police's lists and banks' case-system exports, read as they come.

`parse(data) -> Parsed`: bytes in (UTF-8 with or without a BOM; Big5 as Windows in Hong Kong writes
it, cp950 or Big5-HKSCS, only when the bytes are not UTF-8), one report per row out, or `Invalid`
naming each bad line. Headers are matched case-insensitively through aliases in English and
Traditional Chinese (`HEADERS`); the two shapes this was written for:

- a police list: `Type,Identifier,Scam Type,Date Reported`
- a bank case-system export: `Case Ref,Payee Account,Payee Bank Code,Amount,Scam Category,Report Date`

What the parser does *not* keep: case references (they identify victims' cases) and any column it
does not know (named in `ignored`). An amount becomes its band (fraud/vocab.py), never the sum.
A cell is data, never a formula: `=cmd|...` is a value like any other, refused by the identifier
rules or kept as inert text in notes. Bounded: `MAX_BYTES`, `MAX_ROWS`, `MAX_FIELD` per cell.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from lionrock.errors import Invalid, Problem, TooLarge
from lionrock.fraud.vocab import AmountBand

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_FIELD = 2000  # cells over the csv module's own limit (128 KiB) raise csv.Error, refused too
MAX_PROBLEMS = 100

# Canonical column -> the headers that mean it (compared after `_key`).
HEADERS: dict[str, tuple[str, ...]] = {
    "type": ("type", "identifier type", "kind", "類型", "類別", "識別類型"),
    "value": ("identifier", "value", "識別", "識別碼", "號碼"),
    "account": (
        "account no",
        "account number",
        "account",
        "bank account",
        "payee account",
        "payee account no",
        "beneficiary account",
        "戶口號碼",
        "戶口",
        "帳戶號碼",
        "賬戶號碼",
        "銀行戶口",
        "收款戶口",
    ),
    "phone": ("phone", "phone no", "phone number", "telephone", "mobile", "電話號碼", "電話", "手提電話"),
    "fps": ("fps", "fps id", "fps proxy", "轉數快", "轉數快id"),
    "email": ("email", "e-mail", "email address", "電郵", "電郵地址"),
    "wallet": ("wallet", "wallet address", "crypto wallet", "加密貨幣錢包", "錢包地址"),
    "bank_code": ("bank code", "payee bank code", "beneficiary bank code", "銀行編號", "銀行代號", "銀行代碼"),
    "scam_type": ("scam type", "scam category", "category", "fraud type", "騙案類型", "騙案類別", "詐騙類型"),
    "role": ("role", "角色"),
    "reported": ("date", "date reported", "report date", "reported", "reported on", "日期", "報案日期", "舉報日期"),
    "amount": ("amount (hkd)", "amount hkd", "amount", "loss amount", "loss (hkd)", "金額", "損失金額", "涉款金額"),
    "amount_band": ("amount band", "金額範圍"),
    "confidence": ("confidence", "可信度"),
    "notes": ("notes", "note", "remarks", "備註"),
    "case_ref": ("case ref", "case reference", "case no", "case number", "案件編號", "報案編號", "個案編號"),
}
_IMPLIED_TYPE = {"account": "bank-account", "phone": "phone", "fps": "fps", "email": "email", "wallet": "crypto-wallet"}
_VALUE_COLUMNS = ("value", "account", "phone", "fps", "email", "wallet")

# How lists name identifier kinds -> lionrock's kinds (compared after `_key`).
TYPES: dict[str, str] = {
    **{k: "bank-account" for k in ("bank account", "account", "bank a/c", "a/c", "銀行戶口", "戶口", "銀行帳戶")},
    **{k: "phone" for k in ("phone number", "telephone", "tel", "mobile", "電話", "電話號碼")},
    **{k: "fps" for k in ("fps proxy", "轉數快")},
    **{k: "fps-id" for k in ("fps id", "轉數快id")},
    **{k: "email" for k in ("e-mail", "email address", "電郵", "電郵地址")},
    **{k: "e-wallet" for k in ("ewallet", "e wallet", "stored value", "電子錢包")},
    **{
        k: "crypto-wallet" for k in ("crypto", "crypto wallet", "cryptocurrency wallet", "加密貨幣錢包", "虛擬貨幣錢包")
    },
    **{k: "social" for k in ("social media", "social media account", "社交媒體", "社交平台")},
}

# How lists name scam types -> the vocabulary (compared after `_key`, with 'scam'/'fraud'/'騙案' dropped).
SCAM_TYPES: dict[str, str] = {
    "investment": "investment",
    "投資": "investment",
    "impersonation of officials": "impersonation-of-officials",
    "pretending to be officials": "impersonation-of-officials",
    "假冒官員": "impersonation-of-officials",
    "impersonation of customer service": "impersonation-of-service",
    "假冒客服": "impersonation-of-service",
    "romance": "romance",
    "online romance": "romance",
    "網上情緣": "romance",
    "employment": "employment",
    "job": "employment",
    "求職": "employment",
    "online shopping": "shopping",
    "shopping": "shopping",
    "網上購物": "shopping",
    "phishing": "phishing",
    "釣魚": "phishing",
    "loan": "loan",
    "貸款": "loan",
    "telephone deception": "telephone-deception",
    "telephone": "telephone-deception",
    "電話": "telephone-deception",
    "account takeover": "account-takeover",
    "盜用帳戶": "account-takeover",
    "rental": "rental",
    "租屋": "rental",
    "others": "other",
    "其他": "other",
}
_DEFAULT_ROLE = {
    "bank-account": "receiving-account",
    "fps": "receiving-account",
    "fps-id": "receiving-account",
    "e-wallet": "receiving-account",
    "crypto-wallet": "receiving-account",
    "phone": "caller",
    "email": "sender",
    "social": "contact",
}
_BANDS = (
    (10_000, AmountBand.UNDER_10K),
    (100_000, AmountBand.FROM_10K),
    (1_000_000, AmountBand.FROM_100K),
    (10_000_000, AmountBand.FROM_1M),
)


@dataclass(frozen=True)
class Row:
    """One report, with the line of the file it came from; the fields are `FraudReport`'s."""

    line: int
    type: str
    value: str
    scam_type: str
    role: str
    reported: str | None
    amount_band: str | None
    confidence: int
    notes: str | None


@dataclass(frozen=True)
class Parsed:
    rows: tuple[Row, ...]
    columns: dict[str, str]  # canonical column -> the header as written
    ignored: tuple[str, ...]  # headers not kept (case references, unknown columns)
    encoding: str


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[\s_]+", " ", text)
    return text.strip(" .:：")


_HEADER_INDEX = {_key(alias): canon for canon, aliases in HEADERS.items() for alias in aliases}


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in; UTF-8 first, Big5 (cp950, then HKSCS) only if it fails."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"the CSV file is larger than {MAX_BYTES // (1024 * 1024)} MiB; split it")
    if b"\x00" in data:
        raise Invalid("the file holds NUL bytes: save it as CSV in UTF-8 (not UTF-16 or a spreadsheet format)")
    for encoding in ("utf-8-sig", "cp950", "big5hkscs"):
        try:
            return data.decode(encoding), encoding.removesuffix("-sig")
        except UnicodeDecodeError:
            continue
    raise Invalid("the file is neither UTF-8 nor Big5 text: save it as CSV in UTF-8")


def _date(text: str) -> str:
    """ISO dates, YYYY/MM/DD, and Hong Kong's day-first D/M/YYYY; an ISO timestamp passes as written."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+Z", text):
        return text
    else:
        raise Invalid(f"date {text[:40]!r} is not YYYY-MM-DD or DD/MM/YYYY")
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        raise Invalid(f"date {text[:40]!r} is not a calendar date") from None


def amount_band(text: str) -> str:
    """An amount in Hong Kong dollars ('HK$12,500.00', '1,000,000', '12500 港元') -> its band."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    cleaned = re.sub(r"^(?:hk\$|hkd|\$)\s*|\s*(?:hkd|港元|港幣|元)$", "", cleaned).replace(",", "").strip()
    if not re.fullmatch(r"\d{1,15}(?:\.\d{1,2})?", cleaned):
        raise Invalid(f"amount {text[:40]!r} is not a sum in Hong Kong dollars")
    amount = float(cleaned)
    for limit, band in _BANDS:
        if amount < limit:
            return band.value
    return AmountBand.OVER_10M.value


def _kind(text: str) -> str:
    key = _key(text)
    return TYPES.get(key, key.replace(" ", "-"))


def _scam_type(text: str) -> str:
    key = _key(text)
    key = re.sub(r"\b(?:scams?|fraud|deception)\b|騙案|詐騙", "", key).strip(" -")
    return SCAM_TYPES.get(key, key.replace(" ", "-") or text)


def _account(account: str, code: str) -> str:
    """A payee account written without its bank code, which sits in its own column."""
    digits = re.sub(r"\D", "", account)
    code = code.strip()
    if not code or (len(digits) > 12 and digits.startswith(code)):
        return account
    return f"{code}-{account}"


def _columns(header: list[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for i, name in enumerate(header):
        canon = _HEADER_INDEX.get(_key(name))
        if canon is None or canon == "case_ref":
            if name.strip():
                ignored.append(name.strip()[:100])
            continue
        if canon in index:
            raise Invalid(f"line 1: two columns mean {canon}: {written[canon]!r} and {name.strip()!r}")
        index[canon] = i
        written[canon] = name.strip()
    values = [c for c in _VALUE_COLUMNS if c in index]
    if not values:
        known = ", ".join(HEADERS["value"] + HEADERS["account"][:3] + HEADERS["phone"][:2])
        raise Invalid(f"line 1: no column holds the identifier (headers such as {known})")
    if len(values) > 1:
        raise Invalid(f"line 1: more than one column holds the identifier: {', '.join(written[c] for c in values)}")
    if "value" in index and "type" not in index:
        raise Invalid(f"line 1: column {written['value']!r} needs a Type column saying what each identifier is")
    return index, written, ignored


def _row(line: int, cells: list[str], index: dict[str, int]) -> Row:
    def cell(name: str) -> str:
        i = index.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    value_col = next(c for c in _VALUE_COLUMNS if c in index)
    value = cell(value_col)
    if not value:
        raise Invalid("the identifier is empty")
    kind = _kind(cell("type")) if cell("type") else _IMPLIED_TYPE.get(value_col, "")
    if not kind:
        raise Invalid("the type is empty")
    if kind == "bank-account" and cell("bank_code"):
        value = _account(value, cell("bank_code"))
    scam = cell("scam_type")
    if not scam:
        raise Invalid("the scam type is empty")
    confidence = 100
    if cell("confidence"):
        text = cell("confidence").rstrip("%").strip()
        if not text.isdigit() or len(text) > 3 or int(text) > 100:
            raise Invalid(f"confidence {cell('confidence')[:20]!r} is not 0 to 100")
        confidence = int(text)
    band = amount_band(cell("amount")) if cell("amount") else (cell("amount_band") or None)
    return Row(
        line=line,
        type=kind,
        value=value,
        scam_type=_scam_type(scam),
        role=cell("role") or _DEFAULT_ROLE.get(kind, "receiving-account"),
        reported=_date(cell("reported")) if cell("reported") else None,
        amount_band=band,
        confidence=confidence,
        notes=cell("notes") or None,
    )


def parse(data: bytes) -> Parsed:
    """Every row as a report, or Invalid whose problems name each bad line (index = the line number)."""
    text, encoding = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    problems: list[Problem] = []
    header: list[str] | None = None
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    line = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = cells
                index, written, ignored = _columns(header)
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                raise TooLarge(f"at most {MAX_ROWS} rows in one file; split it")
            too_long = next((c for c in cells if len(c) > MAX_FIELD), None)
            if too_long is not None:
                problems.append(Problem(line, None, f"line {line}: a cell is longer than {MAX_FIELD} characters"))
            else:
                try:
                    rows.append(_row(line, cells, index))
                except Invalid as exc:
                    problems.append(Problem(line, None, f"line {line}: {exc.message}"))
            if len(problems) >= MAX_PROBLEMS:
                break
    except csv.Error as exc:
        raise Invalid(f"line {reader.line_num or line}: not readable CSV ({exc})") from None
    if header is None:
        raise Invalid("the file is empty: send a header line and at least one row")
    if problems:
        more = " (showing the first 100)" if len(problems) >= MAX_PROBLEMS else ""
        raise Invalid(f"{len(problems)} line(s) refused{more}; nothing was stored", problems)
    if not rows:
        raise Invalid("the file has a header but no rows")
    return Parsed(tuple(rows), written, tuple(ignored), encoding)
