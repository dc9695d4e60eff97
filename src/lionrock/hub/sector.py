"""The regulator's sector view: six tables of sector-wide counts, every one released through the
three-organisation rule with complementary suppression (access.suppression). One use case.

What the tables count (docs/web.md repeats it):
- activity: versions published, by the publisher's organisation kind and Hong Kong calendar month
  (the last 12 months); a cell covers the organisations that published in it;
- acknowledgements: per advisory the regulator may see, how many organisations acknowledged it and
  the median and 90th percentile (nearest rank) of the time from its publication to each
  acknowledgement, shown from 3 acknowledging organisations on;
- exposure: per advisory, how many organisations reported each exposure level, with totals;
- sightings by technique: distinct sightings of objects a relationship links to an ATT&CK technique
  the regulator may see (no totals: one sighting may count under several techniques);
- sightings by indicator type: distinct sightings of indicators by their observable kind, with a total;
- contribution and consumption by organisation kind: versions published (sightings apart) against
  what the hub records of use. The hub does not record reads (REST, TAXII and the web answer
  without an audit row per read), so consumption is measured by what is recorded: sightings
  reported (an organisation ran shared indicators against its own logs) and advisories acknowledged."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import orjson

from lionrock.access.advisories import EXPOSURES
from lionrock.access.model import OrgKind, Principal
from lionrock.access.policy import visibility_for
from lionrock.access.suppression import Cell, Released, Shown, Table, may_view_sector, release, statistic_shown
from lionrock.errors import Forbidden
from lionrock.hub.advisories import BLOCK
from lionrock.hub.collections import ADVISORY_CHANNEL
from lionrock.hub.context import Hub
from lionrock.hub.object_seal import latest_bodies, open_rows
from lionrock.intake.attack import attack_id_of
from lionrock.stix.ids import timestamp_to_us
from lionrock.stix.observable_kinds import ORDER, kind_of_type
from lionrock.store import objects as objects_store
from lionrock.store import sector as store
from lionrock.store.engine import read_transaction

MONTHS = 12
DAY_US = store.DAY_US
HK_OFFSET_US = store.HK_OFFSET_US
KINDS: tuple[str, ...] = tuple(k.value for k in OrgKind)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

Value = int | float | None
"""A cell as shown: None means suppressed ("< 3")."""


@dataclass(frozen=True)
class SectorRow:
    label: str
    cells: tuple[Value, ...]


@dataclass(frozen=True)
class SectorTable:
    key: str
    title: str  # English; the page translates it
    row_heading: str  # English
    columns: tuple[str, ...]
    rows: tuple[SectorRow, ...]
    total_row: SectorRow | None = None
    translate_labels: bool = False  # row labels are organisation kinds / observable kinds (translated)
    translate_columns: bool = True
    note: str = ""


@dataclass(frozen=True)
class SectorView:
    tables: tuple[SectorTable, ...] = field(default_factory=tuple)

    def table(self, key: str) -> SectorTable | None:
        return next((t for t in self.tables if t.key == key), None)


TABLE_KEYS = ("activity", "acknowledgements", "exposure", "sightings-techniques", "sightings-types", "contribution")


def require_sector_viewer(who: Principal) -> None:
    if not may_view_sector(who.org_kind.value):
        raise Forbidden("the sector view is for the regulator only")


def _day_to_month(day: int) -> str:
    d = date.fromordinal(_EPOCH_ORDINAL + day)
    return f"{d.year:04d}-{d.month:02d}"


def month_keys(now: int, months: int = MONTHS) -> tuple[list[str], int]:
    """The last `months` Hong Kong calendar months (oldest first) and the first one's start in µs (UTC)."""
    today = date.fromordinal(_EPOCH_ORDINAL + (now + HK_OFFSET_US) // DAY_US)
    year, month = today.year, today.month
    keys = []
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    first_year, first_month = int(keys[0][:4]), int(keys[0][5:])
    start_day = date(first_year, first_month, 1).toordinal() - _EPOCH_ORDINAL
    return keys, start_day * DAY_US - HK_OFFSET_US


def _grid(rows: list[str], columns: list[str], facts: Iterable[tuple[str, str, int, int]]) -> list[list[Cell]]:
    """Cells from (row, column, org id, amount) facts; facts outside the grid are dropped."""
    values: dict[tuple[str, str], int] = defaultdict(int)
    covered: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row, col, org, amount in facts:
        values[(row, col)] += amount
        if amount:
            covered[(row, col)].add(org)
    return [[Cell(values[(r, c)], frozenset(covered[(r, c)])) for c in columns] for r in rows]


def _shown(cells: Iterable[Shown]) -> tuple[Value, ...]:
    return tuple(c.value for c in cells)


def _released(table: Table, labels: list[str]) -> tuple[tuple[SectorRow, ...], SectorRow | None]:
    out: Released = release(table)
    rows = []
    for label, cells, total in zip(labels, out.cells, out.row_totals or [None] * len(labels), strict=True):
        rows.append(SectorRow(label, _shown(cells) + ((total.value,) if total is not None else ())))
    total_row = None
    if out.column_totals is not None:
        extra = (out.grand_total.value,) if out.grand_total is not None else ()
        total_row = SectorRow("Total", _shown(out.column_totals) + extra)
    return tuple(rows), total_row


def _nearest_rank(sorted_values: list[int], percent: int) -> int:
    return sorted_values[max(math.ceil(percent / 100 * len(sorted_values)) - 1, 0)]


def _hours(us: int) -> float:
    return round(us / 3_600_000_000, 1)


@dataclass(frozen=True)
class _Advisory:
    stix_id: str
    title: str
    published: int


def sector_view(hub: Hub, who: Principal, now: int) -> SectorView:
    """Every table of the sector view, suppressed; Forbidden for anyone but a regulator."""
    require_sector_viewer(who)
    vis = visibility_for(who)
    months, since = month_keys(now)
    with read_transaction(hub.engine) as conn:
        by_day = store.published_by_day(conn, since)
        found = objects_store.query_versions(
            conn,
            vis,
            objects_store.ObjectQuery(types=("report",), channel=ADVISORY_CHANNEL, limit=hub.settings.page_size),
        )
        found = open_rows(conn, hub, found)
        owners = objects_store.owners_of(conn, [r.stix_id for r in found]) if found else {}
        advisories: list[_Advisory] = []
        for row in found:
            body = orjson.loads(row.body)
            if owners.get(row.stix_id) != row.producer_org_id or not isinstance(body.get(BLOCK), dict):
                continue
            published = timestamp_to_us(str(body.get("published", ""))) or row.date_added
            advisories.append(_Advisory(row.stix_id, str(body.get("name", row.stix_id)), published))
        advisories.sort(key=lambda a: (a.published, a.stix_id))
        responses = store.responses_to(conn, [a.stix_id for a in advisories])
        by_technique = store.sightings_by_technique(conn)
        by_type = store.sightings_by_indicator_type(conn)
        techniques = latest_bodies(conn, hub, vis, sorted({t for t, _, _ in by_technique}))
        activity = store.activity_by_org(conn)
        acks = store.acknowledgements_by_org(conn)
    tables = (
        _activity_table(months, by_day),
        _acknowledgement_table(advisories, responses),
        _exposure_table(advisories, responses),
        _technique_table(by_technique, techniques),
        _types_table(by_type),
        _contribution_table(activity, acks),
    )
    return SectorView(tables)


def _activity_table(months: list[str], by_day: list[tuple[str, int, int, int]]) -> SectorTable:
    facts = [(kind, _day_to_month(day), org, n) for kind, day, org, n in by_day]
    table = Table(tuple(tuple(r) for r in _grid(list(KINDS), months, facts)))
    rows, total = _released(table, list(KINDS))
    return SectorTable(
        "activity",
        "Sharing activity: versions published by organisation kind and month",
        "Organisation kind",
        (*months, "Total"),
        rows,
        total,
        translate_labels=True,
    )


def _acknowledgement_table(
    advisories: list[_Advisory], responses: list[tuple[str, int, int | None, str | None]]
) -> SectorTable:
    rows = []
    for adv in advisories:
        delays = sorted(max(t - adv.published, 0) for a, _, t, _ in responses if a == adv.stix_id and t is not None)
        if statistic_shown(len(delays)):
            cells: tuple[Value, ...] = (
                len(delays),
                _hours(_nearest_rank(delays, 50)),
                _hours(_nearest_rank(delays, 90)),
            )
        else:
            cells = (None, None, None)
        rows.append(SectorRow(adv.title, cells))
    return SectorTable(
        "acknowledgements",
        "Time from an advisory's publication to each acknowledgement",
        "Advisory",
        ("Organisations acknowledged", "Median (hours)", "90th percentile (hours)"),
        tuple(rows),
    )


def _exposure_table(
    advisories: list[_Advisory], responses: list[tuple[str, int, int | None, str | None]]
) -> SectorTable:
    ids = [a.stix_id for a in advisories]
    facts = [(a, e, org, 1) for a, org, _, e in responses if e is not None]
    table = Table(tuple(tuple(r) for r in _grid(ids, list(EXPOSURES), facts)))
    rows, total = _released(table, [a.title for a in advisories])
    return SectorTable(
        "exposure",
        "Exposure reported per advisory (organisations)",
        "Advisory",
        (*EXPOSURES, "Total"),
        rows,
        total,
    )


def _technique_table(by_technique: list[tuple[str, int, int]], bodies: dict[str, str]) -> SectorTable:
    labels: dict[str, str] = {}
    for ref, text in bodies.items():
        body = orjson.loads(text)
        if isinstance(body, dict):
            labels[ref] = f"{attack_id_of(body) or ''} {body.get('name', '')}".strip() or ref
    refs = sorted(labels, key=lambda r: labels[r])
    facts = [(ref, "sightings", org, n) for ref, org, n in by_technique if ref in labels]
    table = Table(tuple(tuple(r) for r in _grid(refs, ["sightings"], facts)), row_totals=False, column_totals=False)
    rows, _ = _released(table, [labels[r] for r in refs])
    return SectorTable(
        "sightings-techniques",
        "Sightings by ATT&CK technique",
        "Technique",
        ("Sightings",),
        rows,
        note="One sighting counts under every technique its indicator is linked to, so there is no total.",
    )


def _types_table(by_type: list[tuple[str, int, int]]) -> SectorTable:
    facts = [(kind_of_type(otype), "sightings", org, n) for otype, org, n in by_type]
    table = Table(tuple(tuple(r) for r in _grid(list(ORDER), ["sightings"], facts)), row_totals=False)
    rows, total = _released(table, list(ORDER))
    return SectorTable(
        "sightings-types",
        "Sightings by indicator type",
        "Observable type",
        ("Sightings",),
        rows,
        total,
        translate_labels=True,
    )


def _contribution_table(activity: list[tuple[str, int, int, int]], acks: list[tuple[str, int, int]]) -> SectorTable:
    columns = ["published", "sightings", "acknowledged"]
    facts = [(kind, "published", org, n) for kind, org, n, _ in activity]
    facts += [(kind, "sightings", org, s) for kind, org, _, s in activity]
    facts += [(kind, "acknowledged", org, n) for kind, org, n in acks]
    table = Table(tuple(tuple(r) for r in _grid(list(KINDS), columns, facts)), row_totals=False)
    rows, total = _released(table, list(KINDS))
    return SectorTable(
        "contribution",
        "Contribution and consumption by organisation kind",
        "Organisation kind",
        (
            "Versions published (contribution)",
            "Sightings reported (consumption)",
            "Advisories acknowledged (consumption)",
        ),
        rows,
        total,
        translate_labels=True,
        note="The hub does not record reads, so consumption is what it records of use: sightings reported "
        "against shared indicators, and advisories acknowledged.",
    )
