"""`lionrock match-records`: fraud identifiers in payment and call records, checked with the hub.

A sibling of `lionrock match` (which takes any number of log files as arguments, so it cannot also
be a group). Exit status like grep: 0 no hits, 1 hits, 2 the check did not happen.
"""

from __future__ import annotations

import codecs
import csv
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lionrock.cli.client import HubClient
from lionrock.cli.failures import failing_with
from lionrock.cli.match import _progress
from lionrock.cli.private_check import private_check_many
from lionrock.errors import BadRequest
from lionrock.fraud.record_hits import RISK_LEVELS, Checker, Hit, HitFinder
from lionrock.fraud.records import Columns, ReadStats, detect, parse_override, read_records

err = Console(stderr=True, soft_wrap=True)
TABLE_LIMIT = 500
FIELDS = ("line", "column", "kind", "value", "id", "risk", "organisations", "scam_types", "latest_report", "dispute")
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")


def hub_checker(client: HubClient, private: bool = False) -> Checker:
    """The plain check: the hub's batch endpoint sees each distinct identifier of the file. The
    private check: the hub sees blinded elements and 16-bit prefixes only (docs/fraud-private-check.md)."""
    if private:
        return lambda items: private_check_many(client, items)
    return client.check_fraud


def printable(text: str, limit: int = 80) -> Text:
    """Names and values from the file as plain text: no rich markup, no control characters."""
    clean = "".join("?" if unicodedata.category(c)[0] == "C" else c for c in text)
    return Text(clean if len(clean) <= limit else clean[: limit - 1] + "…")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe; phone numbers such as
    '+85291234567' (only digits after the sign) are left as they are."""
    if cell.startswith(_FORMULA) and not (cell[:1] in "+-" and cell[1:].replace(" ", "").isdigit()):
        return "'" + cell
    return cell


def hit_row(hit: Hit) -> dict[str, Any]:
    a = hit.answer
    return {
        "line": hit.found.line,
        "column": hit.found.column,
        "kind": hit.found.kind.value,
        "value": hit.found.identifier.value,
        "id": hit.found.id,
        "risk": hit.risk,
        "organisations": a.get("organisations"),
        "scam_types": list(a.get("scam_types") or []),
        "latest_report": a.get("latest_report"),
        "dispute": a.get("dispute"),
    }


class HitFile:
    """Every hit, as CSV (spreadsheet-safe) or JSON lines, by the file's ending."""

    def __init__(self, path: Path) -> None:
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".jsonl", ".ndjson"):
            raise click.UsageError("--output must end in .csv or .jsonl")
        self.jsonl = suffix != ".csv"
        self.fh: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.writer = None if self.jsonl else csv.writer(self.fh)
        if self.writer:
            self.writer.writerow(FIELDS)

    def write(self, hit: Hit) -> None:
        row = hit_row(hit)
        if self.writer is None:
            self.fh.write(orjson.dumps(row).decode() + "\n")
            return
        row["scam_types"] = " ".join(row["scam_types"])
        self.writer.writerow([spreadsheet_safe("" if v is None else str(v)) for v in row.values()])

    def close(self) -> None:
        self.fh.close()


def _summary(stats: ReadStats, finder: HitFinder, name: str) -> Table:
    size = f"{stats.bytes / 1e6:,.1f} MB" if stats.bytes >= 1e6 else f"{stats.bytes:,} bytes"
    table = Table(title=Text(f"{name}: {stats.rows:,} records, {size}"), show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for kind in sorted(stats.found):
        table.add_row(f"{kind} found", f"{stats.found[kind]:,} ({stats.distinct[kind]:,} distinct)")
    if not stats.found:
        table.add_row("identifiers found", "0")
    for column, n in stats.bad_values.most_common(20):
        table.add_row(Text.assemble("not an identifier in column ", printable(column, 40)), f"{n:,}")
    for reason, n in stats.malformed.most_common():
        table.add_row(f"lines skipped: {reason}", f"{n:,}")
    table.add_row("identifiers checked", f"{finder.stats.checked:,}")
    for level in reversed(RISK_LEVELS):
        table.add_row(f"risk {level}", f"{finder.stats.by_risk[level]:,}")
    table.add_row("hit records", f"{finder.stats.hits:,}")
    return table


def _hits_table(rows: list[Hit], total: int) -> Table:
    title = f"{total:,} hits" + (f" (first {TABLE_LIMIT} shown)" if total > TABLE_LIMIT else "")
    table = Table(title=title)
    for col in ("line", "column", "kind", "value", "risk", "organisations", "scam types"):
        table.add_column(col, overflow="fold")
    for hit in rows:
        row = hit_row(hit)
        table.add_row(
            str(row["line"]),
            printable(row["column"], 40),
            row["kind"],
            printable(row["value"]),
            row["risk"],
            printable(str(row["organisations"])),
            printable(", ".join(row["scam_types"])),
        )
    return table


def _open(path: str) -> tuple[IO[bytes], int | None]:
    if path == "-":
        return sys.stdin.buffer, None
    try:
        return Path(path).open("rb"), Path(path).stat().st_size
    except OSError as exc:
        raise BadRequest(f"cannot read {path}: {exc}") from exc


@click.command("match-records")
@click.argument("file")
@click.option("--hub", "hub_url", envvar="LIONROCK_HUB", default="http://127.0.0.1:8000", show_default=True)
@click.option("--token", envvar="LIONROCK_TOKEN", required=True, help="Any member's token (env LIONROCK_TOKEN).")
@click.option("--format", "fmt", type=click.Choice(["auto", "csv", "jsonl"]), default="auto", show_default=True)
@click.option("--field", "fields", multiple=True, metavar="COLUMN=KIND", help="Read COLUMN as KIND (or 'ignore').")
@click.option("--min-risk", type=click.Choice(["low", "medium", "high"]), default="low", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write every hit to .csv or .jsonl.")
@click.option("--encoding", default="utf-8", show_default=True, help="The file's text encoding (e.g. big5).")
@click.option(
    "--private",
    is_flag=True,
    help="Check without the hub learning the identifiers (OPRF; each counts against the hourly allowance).",
)
@failing_with(2)
def match_records_command(
    file: str,
    hub_url: str,
    token: str,
    fmt: str,
    fields: Sequence[str],
    min_risk: str,
    output: Path | None,
    encoding: str,
    private: bool,
) -> None:
    """Find bank accounts, phone numbers, FPS ids, wallets and e-mails in FILE (payment or call
    records, CSV or JSON lines, - for stdin) and list those the hub knows as used in scams."""
    if file != "-" and not Path(file).is_file():
        raise click.UsageError(f"no such file: {file}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise click.UsageError(f"unknown encoding {encoding!r}") from None
    if output and file != "-" and output.exists() and output.resolve() == Path(file).resolve():
        raise click.UsageError("--output would overwrite the records being read")
    columns = Columns(dict(parse_override(f) for f in fields))
    client = HubClient(hub_url, token)
    stream, size = _open(file)
    if fmt == "auto":
        fmt = detect(file, stream.peek(64) if hasattr(stream, "peek") else b"")
    stats = ReadStats()
    finder = HitFinder(hub_checker(client, private), min_risk)
    sink = HitFile(output) if output else None
    shown: list[Hit] = []
    try:
        with _progress() as bar:
            task = bar.add_task(Path(file).name if file != "-" else "stdin", total=size)
            found = read_records(
                stream, fmt, columns, stats, encoding=encoding, progress=lambda n: bar.advance(task, n)
            )
            for hit in finder.run(found):
                if sink:
                    sink.write(hit)
                if len(shown) < TABLE_LIMIT:
                    shown.append(hit)
    finally:
        if sink:
            sink.close()
        if file != "-":
            stream.close()
    if finder.stats.hits:
        out = Console()
        (out if out.is_terminal else Console(width=200)).print(_hits_table(shown, finder.stats.hits))
    err.print(_summary(stats, finder, file if file != "-" else "stdin"))
    if not stats.columns:
        err.print("[yellow]no column was read as an identifier[/yellow]: name them with --field COLUMN=KIND")
    if output:
        err.print(f"{finder.stats.hits:,} hits written to {output}")
    sys.exit(1 if finder.stats.hits else 0)
