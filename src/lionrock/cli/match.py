"""`lionrock match`: the hub's indicators against local logs, and sightings back to the hub."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import orjson
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from lionrock.cli.client import HubClient
from lionrock.cli.failures import failing_with
from lionrock.errors import BadRequest
from lionrock.match import (
    FORMATS,
    BadSetFile,
    BadSource,
    CompiledSet,
    Hit,
    Scanner,
    ScanStats,
    SightingCount,
    aggregate,
    compile_file,
    open_log,
    rules_of,
    sighting_objects,
)
from lionrock.match.compiled import MAGIC
from lionrock.stix.tlp import TLP2_MARKINGS, Tlp

err = Console(stderr=True, soft_wrap=True)  # summaries stay one line each, for scripts and logs
TABLE_LIMIT = 500
AUTO_PARALLEL_BYTES = 32 << 20  # below this, starting worker processes costs more than it saves


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lionrock" / "match"


def _cache_file(cache: Path, *parts: str) -> Path:
    """One file per source; for a hub the token is part of the key (what one may see differs)."""
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    return cache / (hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + ".lrm")


def _load_cached(path: Path) -> CompiledSet | None:
    if not path.exists():
        return None
    try:
        return CompiledSet.load(path)
    except BadSetFile as exc:
        err.print(f"[yellow]warning:[/yellow] ignoring the cached set ({exc}); compiling afresh")
        return None


def indicators_from_file(source: Path, cache: Path, refresh: bool) -> CompiledSet:
    with source.open("rb") as fh:
        if fh.read(len(MAGIC)) == MAGIC:
            return CompiledSet.load(source)
    stat = source.stat()
    cached = _cache_file(cache, "file", str(source.resolve()), str(stat.st_size), str(stat.st_mtime_ns))
    compiled = None if refresh else _load_cached(cached)
    if compiled is None:
        try:
            compiled = compile_file(source)
        except (BadSource, OSError) as exc:
            raise BadRequest(f"cannot read indicators from {source}: {exc}") from exc
        compiled.save(cached)
    return compiled


def indicators_from_hub(client: HubClient, hub_url: str, token: str, cache: Path, refresh: bool) -> CompiledSet:
    """Pull only what the hub added since the last pull, update the cached set, save it."""
    token_key = hashlib.sha256(token.encode()).hexdigest()
    cached = _cache_file(cache, "hub", hub_url.rstrip("/"), token_key)
    compiled = (None if refresh else _load_cached(cached)) or CompiledSet()
    compiled.source = hub_url
    newest = compiled.cursor
    pulled = 0

    def pages() -> Iterator[dict[str, Any]]:
        nonlocal newest, pulled
        for obj, date_added in client.indicators(compiled.cursor):
            pulled += 1
            if newest is None or date_added > newest:
                newest = date_added
            yield obj

    with err.status("pulling indicators from the hub…"):
        added, removed = compiled.update(rules_of(pages()))
    compiled.cursor = newest
    compiled.save(cached)
    err.print(
        f"hub: {pulled:,} new or changed indicators since the last pull "
        f"({added:,} compiled, {removed:,} replaced or withdrawn); {len(compiled):,} in the set"
    )
    return compiled


def _hit_json(hit: Hit) -> dict[str, object]:
    return {
        "indicator": hit.indicator_id,
        "value": hit.value,
        "kind": hit.kind,
        "file": hit.file,
        "line": hit.line,
        "timestamp": hit.timestamp,
        "field": hit.field,
    }


class HitWriter:
    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.rows: list[Hit] = []
        self.writer = csv.writer(sys.stdout) if fmt == "csv" else None
        if self.writer:
            self.writer.writerow(["indicator", "value", "kind", "file", "line", "timestamp", "field"])

    def write(self, hit: Hit) -> None:
        if self.fmt == "jsonl":
            sys.stdout.write(orjson.dumps(_hit_json(hit)).decode() + "\n")
        elif self.writer:
            self.writer.writerow(list(_hit_json(hit).values()))
        elif len(self.rows) < TABLE_LIMIT:
            self.rows.append(hit)

    def close(self, total: int) -> None:
        if self.fmt != "table":
            sys.stdout.flush()
            return
        table = Table(title=f"{total:,} hits" + (f" (first {TABLE_LIMIT} shown)" if total > TABLE_LIMIT else ""))
        for col in ("indicator", "value", "kind", "file:line", "timestamp", "field"):
            table.add_column(col, overflow="fold")
        for h in self.rows:
            table.add_row(h.indicator_id, h.value, h.kind, f"{h.file}:{h.line}", h.timestamp or "", h.field or "")
        Console().print(table)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


@click.command("match")
@click.argument("logs", nargs=-1, required=True)
@click.option("--hub", "hub_url", envvar="LIONROCK_HUB", default=None, help="Hub URL (env LIONROCK_HUB).")
@click.option("--token", envvar="LIONROCK_TOKEN", default=None, help="Your token (env LIONROCK_TOKEN).")
@click.option(
    "--indicators",
    "indicators_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A STIX bundle / JSON lines of STIX objects, a plain list of values, or a compiled .lrm set.",
)
@click.option(
    "--format", "out_format", type=click.Choice(["jsonl", "csv", "table"]), default="table", show_default=True
)
@click.option("--log-format", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True)
@click.option("--report", is_flag=True, help="Post one STIX Sighting per indicator seen to the hub.")
@click.option("--anonymous", is_flag=True, help="With --report: sightings that do not name your organisation.")
@click.option("--tlp", type=click.Choice([t.value for t in Tlp]), default="amber", show_default=True)
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None, help="Compiled-set cache.")
@click.option("--refresh", is_flag=True, help="Ignore the cache: pull and compile everything again.")
@click.option(
    "--workers", type=click.IntRange(0, 64), default=0, help="Prefilter processes (0: one per core for big input)."
)
@click.option("--save", "save_to", type=click.Path(dir_okay=False, path_type=Path), help="Also save the compiled set.")
@failing_with(2)  # the status click gives usage errors: a scan that did not happen
def match_command(
    logs: tuple[str, ...],
    hub_url: str | None,
    token: str | None,
    indicators_file: Path | None,
    out_format: str,
    log_format: str,
    report: bool,
    anonymous: bool,
    tlp: str,
    cache: Path | None,
    refresh: bool,
    workers: int,
    save_to: Path | None,
) -> None:
    """Find indicators in LOGS (files, .gz/.bz2/.xz, or - for stdin); print hits and a summary."""
    if indicators_file is None and not (hub_url and token):
        raise click.UsageError("give --indicators FILE, or --hub URL and --token T")
    if (report or anonymous) and not (hub_url and token):
        raise click.UsageError("--report needs --hub and --token")
    if anonymous and not report:
        raise click.UsageError("--anonymous only makes sense with --report")
    missing = [p for p in logs if p != "-" and not Path(p).is_file()]
    if missing:
        raise click.UsageError(f"no such log file: {missing[0]}")
    cache = cache or default_cache()
    client = HubClient(hub_url, token) if hub_url and token else None
    started = time.perf_counter()
    if indicators_file is not None:
        compiled = indicators_from_file(indicators_file, cache, refresh)
    else:
        assert client is not None and hub_url and token
        compiled = indicators_from_hub(client, hub_url, token, cache, refresh)
    if save_to:
        compiled.save(save_to)
    load_s = time.perf_counter() - started
    _explain_unevaluable(compiled)
    if workers == 0:
        big = "-" in logs or sum(Path(p).stat().st_size for p in logs) > AUTO_PARALLEL_BYTES
        workers = min(os.cpu_count() or 1, 8) if big else 1
    scanner = Scanner(compiled, now_us=int(time.time() * 1_000_000), workers=workers)
    stats = ScanStats()
    writer = HitWriter(out_format)
    per_indicator: dict[str, SightingCount] = {}
    started = time.perf_counter()
    with scanner, _progress() as bar:
        for path in logs:
            fmt = None if log_format == "auto" else FORMATS[log_format]()
            try:
                stream = open_log(path)
            except OSError as exc:
                raise BadRequest(f"cannot read {path}: {exc}") from exc
            plain = path != "-" and isinstance(stream, io.BufferedReader)
            task = bar.add_task(
                Path(path).name if path != "-" else "stdin", total=Path(path).stat().st_size if plain else None
            )

            def advance(n: int, task: TaskID = task) -> None:
                bar.advance(task, n)

            try:
                for hit in scanner.scan(stream, path, fmt=fmt, stats=stats, progress=advance):
                    writer.write(hit)
                    aggregate([hit], into=per_indicator)
            except (OSError, EOFError, ValueError) as exc:
                raise BadRequest(f"cannot read {path}: {exc}") from exc
            finally:
                if path != "-":
                    stream.close()
    elapsed = time.perf_counter() - started
    writer.close(stats.hits)
    mb = stats.bytes / 1e6
    err.print(
        f"{stats.files} file(s), {mb:,.1f} MB, {stats.lines:,} lines in {elapsed:.1f} s "
        f"({mb / max(elapsed, 1e-9):,.1f} MB/s); "
        f"{stats.hits:,} hits of {len(per_indicator):,} indicators; "
        f"{stats.malformed:,} malformed lines (still searched as text); "
        f"{len(compiled):,} indicators loaded in {load_s:.1f} s"
        + (f"; {stats.expired:,} hits on expired indicators left out" if stats.expired else "")
    )
    if report:
        assert client is not None
        if not per_indicator:
            err.print("nothing to report")
            return
        identity = None if anonymous else str(client.me()["identity"])
        sightings = sighting_objects(per_indicator.values(), marking_ref=TLP2_MARKINGS[Tlp(tlp)], sighted_by=identity)
        result = client.post_bundle(sightings, anonymous=anonymous)
        err.print(
            f"reported {len(result['stored']):,} sightings to the hub"
            + (" anonymously" if anonymous else f" as {identity}")
        )


def _explain_unevaluable(compiled: CompiledSet) -> None:
    if compiled.unevaluable:
        reasons = Counter(r.split(":")[0] if ":" in r else r for r in compiled.unevaluable.values())
        top = "; ".join(f"{n:,} × {why}" for why, n in reasons.most_common(3))
        err.print(f"[yellow]{len(compiled.unevaluable):,} indicators cannot be evaluated on logs[/yellow] ({top})")
    if compiled.partial:
        err.print(f"{len(compiled.partial):,} indicators are evaluated in part (some alternatives cannot be)")
