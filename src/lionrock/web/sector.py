"""GET /web/sector (the regulator's sector view) and GET /web/sector/{table}.csv (each table as CSV,
suppressed exactly as on the page)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from lionrock.errors import Forbidden
from lionrock.hub.sector import TABLE_KEYS, SectorTable, SectorView, Value, sector_view
from lionrock.web.context import N_, WebRefused, gettext, hub_of, page, page_router, principal

router = page_router()

SUPPRESSED = "< 3"
LABELS: dict[str, str] = {
    # table titles and headings
    "Sharing activity: versions published by organisation kind and month": N_(
        "Sharing activity: versions published by organisation kind and month"
    ),
    "Time from an advisory's publication to each acknowledgement": N_(
        "Time from an advisory's publication to each acknowledgement"
    ),
    "Exposure reported per advisory (organisations)": N_("Exposure reported per advisory (organisations)"),
    "Sightings by ATT&CK technique": N_("Sightings by ATT&CK technique"),
    "Sightings by indicator type": N_("Sightings by indicator type"),
    "Contribution and consumption by organisation kind": N_("Contribution and consumption by organisation kind"),
    "Organisation kind": N_("Organisation kind"),
    "Advisory": N_("Advisory"),
    "Technique": N_("Technique"),
    "Observable type": N_("Observable type"),
    "Total": N_("Total"),
    "Organisations acknowledged": N_("Organisations acknowledged"),
    "Median (hours)": N_("Median (hours)"),
    "90th percentile (hours)": N_("90th percentile (hours)"),
    "Sightings": N_("Sightings"),
    "Versions published (contribution)": N_("Versions published (contribution)"),
    "Sightings reported (consumption)": N_("Sightings reported (consumption)"),
    "Advisories acknowledged (consumption)": N_("Advisories acknowledged (consumption)"),
    "not-affected": N_("Not affected"),
    "investigating": N_("Investigating"),
    "affected": N_("Affected"),
    "remediated": N_("Remediated"),
    # organisation kinds and observable kinds (row labels)
    "bank": N_("Banks"),
    "regulator": N_("Regulators"),
    "law-enforcement": N_("Law enforcement"),
    "operator": N_("Operators"),
    "ipv4": N_("IPv4 address"),
    "ipv6": N_("IPv6 address"),
    "domain": N_("Domain name"),
    "url": N_("URL"),
    "file hash": N_("File hash"),
    "email": N_("E-mail"),
    "other": N_("Other"),
    # notes
    "One sighting counts under every technique its indicator is linked to, so there is no total.": N_(
        "One sighting counts under every technique its indicator is linked to, so there is no total."
    ),
    "The hub does not record reads, so consumption is what it records of use: sightings reported "
    "against shared indicators, and advisories acknowledged.": N_(
        "The hub does not record reads, so consumption is what it records of use: sightings reported "
        "against shared indicators, and advisories acknowledged."
    ),
}


@dataclass(frozen=True)
class Shown:
    """A table as text, the same for the page and the CSV."""

    key: str
    title: str
    note: str
    headers: list[str]
    rows: list[list[str]]
    total: list[str] | None


def cell_text(value: Value) -> str:
    if value is None:
        return SUPPRESSED
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def shown(table: SectorTable, _: Callable[[str], str]) -> Shown:
    def label(text: str) -> str:
        return _(LABELS[text]) if text in LABELS else text

    headers = [label(table.row_heading), *(label(c) for c in table.columns)]
    rows = [
        [label(r.label) if table.translate_labels else r.label, *(cell_text(v) for v in r.cells)] for r in table.rows
    ]
    total = [label("Total"), *(cell_text(v) for v in table.total_row.cells)] if table.total_row else None
    return Shown(table.key, label(table.title), label(table.note) if table.note else "", headers, rows, total)


def csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas (CSV injection): a cell starting with = + - @ (or a tab or carriage
    return) gets a leading apostrophe, so spreadsheets show it as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(table: Shown) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in [table.headers, *table.rows, *([table.total] if table.total else [])]:
        writer.writerow([csv_safe(c) for c in row])
    return buffer.getvalue()


async def _view(request: Request) -> SectorView:
    hub = hub_of(request)
    try:
        return await run_in_threadpool(sector_view, hub, principal(request), hub.clock())
    except Forbidden as exc:
        raise WebRefused(403, N_("The sector view is for the regulator only.")) from exc


@router.get("/sector")
async def sector_page(request: Request) -> Response:
    view = await _view(request)
    _ = gettext(request)
    return page(
        request,
        "sector.html",
        "Sector view",
        active="sector",
        tables=[shown(t, _) for t in view.tables],
        suppressed=SUPPRESSED,
    )


@router.get("/sector/{table}.csv")
async def sector_csv(request: Request, table: str) -> Response:
    principal(request)  # signed in first: no answer about tables to anyone else
    if table not in TABLE_KEYS:
        raise WebRefused(404, N_("There is no such table."))
    view = await _view(request)
    found = view.table(table)
    assert found is not None
    body = to_csv(shown(found, gettext(request)))
    return Response(
        body.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="lionrock-sector-{table}.csv"'},
    )
