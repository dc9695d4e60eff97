"""The dashboard: what the signed-in organisation may see, at a glance. One use case, every count
through the reader's Visibility (store/dashboard.py), sightings under the three-organisation rule.

Definitions (docs/web.md repeats them):
- intelligence received: versions published by other organisations that the reader may see, by the
  week (Monday 00:00 Hong Kong time) they reached the hub, and by their governing TLP;
- indicator types: distinct visible indicators by the object type of their pattern's first
  comparison (stix.observable_kinds);
- ATT&CK techniques: visible attack-patterns ranked by how many visible relationships reference
  them (an indicator `indicates`, malware `uses`, …), with their tactics (kill-chain phases of
  `mitre-attack`);
- recent sightings: sightings added in the last 30 days, grouped by the visible object sighted; the
  counts are shown as `access.policy.sighting_counts_shown` allows (the object's owner, or 3
  organisations or more). Rows below the threshold are listed ("< 3") only to an organisation that
  reported one of them itself, so the list tells nobody that someone else sighted an object;
- open advisories: `hub.advisories.list_advisories`, with the deadline and the reader's own answer."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Engine

from lionrock.access.model import Principal
from lionrock.access.policy import Visibility, sighting_counts_shown, visibility_for
from lionrock.hub.advisories import list_advisories
from lionrock.hub.context import Hub
from lionrock.hub.object_seal import latest_bodies
from lionrock.intake.attack import attack_id_of
from lionrock.stix.observable_kinds import KINDS, ORDER, OTHER, kind_of_type
from lionrock.stix.tlp import Tlp
from lionrock.store import dashboard as store
from lionrock.store.engine import read_transaction

DAY_US = 86_400 * 1_000_000
WEEK_US = store.WEEK_US
HK_OFFSET_US = 8 * 3_600 * 1_000_000
SIGHTING_DAYS = 30
TOP_TECHNIQUES = 10
TOP_SIGHTINGS = 10
MAX_WEEKS = 52


@dataclass(frozen=True)
class Week:
    start: int  # µs since the epoch: Monday 00:00 in Hong Kong
    counts: dict[str, int]  # TLP value -> versions, every level present

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class TechniqueUse:
    stix_id: str
    attack_id: str
    name: str
    tactics: tuple[str, ...]
    uses: int


@dataclass(frozen=True)
class SightingSummary:
    stix_id: str
    label: str
    organisations: int | None  # None: fewer than 3, not shown
    reports: int | None
    last_added: int | None  # None when the counts are not shown (it would tell of others' reports)
    yours: bool


@dataclass(frozen=True)
class Dashboard:
    visible_objects: int
    weeks: list[Week]
    indicator_kinds: list[tuple[str, int]]
    techniques: list[TechniqueUse]
    sightings: list[SightingSummary]
    advisories: list[dict[str, Any]]


def week_starts(now: int, weeks: int) -> list[int]:
    """The starts (µs, UTC) of the last `weeks` weeks, the current one last; weeks start on
    Monday 00:00 Hong Kong time (UTC+8, no daylight saving)."""
    local_day = (now + HK_OFFSET_US) // DAY_US
    monday = local_day - (local_day + 3) % 7  # 1970-01-01 was a Thursday
    this_week = monday * DAY_US - HK_OFFSET_US
    return [this_week - (weeks - 1 - i) * WEEK_US for i in range(weeks)]


def _tactics(body: dict[str, Any]) -> tuple[str, ...]:
    phases = body.get("kill_chain_phases")
    if not isinstance(phases, list):
        return ()
    return tuple(
        dict.fromkeys(
            str(p["phase_name"])
            for p in phases
            if isinstance(p, dict)
            and p.get("kill_chain_name") == "mitre-attack"
            and isinstance(p.get("phase_name"), str)
        )
    )


def _label(body: dict[str, Any] | None, stix_id: str) -> str:
    if body is None:
        return stix_id
    for key in ("name", "pattern", "value"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value if len(value) <= 120 else value[:117] + "..."
    return stix_id


def _body(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    body = orjson.loads(text)
    return body if isinstance(body, dict) else None


_CACHE_SIZE = 256
_cache: weakref.WeakKeyDictionary[Engine, OrderedDict[tuple[object, ...], store.Counts]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _counts(conn: Connection, vis: Visibility, engine: Engine, since: int, until: int) -> store.Counts:
    """Counted once per reader's view and state of the objects: the key holds everything the counts
    depend on (the reader's organisation, groups and highest TLP, the weeks, and store.dashboard.data_version,
    which changes with every insert, delete or re-dating), so a cached answer is never stale."""
    key = (vis.org_id, tuple(sorted(vis.group_ids)), vis.max_tlp, since, until, store.data_version(conn))
    with _cache_lock:
        hit = _cache.get(engine, OrderedDict()).get(key)
    if hit is not None:
        return hit
    counts = store.counts(conn, vis, since, until, sorted(KINDS))
    with _cache_lock:
        entries = _cache.setdefault(engine, OrderedDict())
        entries[key] = counts
        while len(entries) > _CACHE_SIZE:
            entries.popitem(last=False)
    return counts


def dashboard(hub: Hub, who: Principal, now: int, weeks: int = 12) -> Dashboard:
    """Everything the dashboard shows, for one reader."""
    weeks = max(1, min(weeks, MAX_WEEKS))
    vis = visibility_for(who)
    starts = week_starts(now, weeks)
    with read_transaction(hub.engine) as conn:
        counts = _counts(conn, vis, hub.engine, starts[0], starts[-1] + WEEK_US)
        groups = store.recent_sightings(conn, vis, now - SIGHTING_DAYS * DAY_US)
        shown_groups = _sightings_shown(who, groups)
        wanted = [ref for ref, _ in counts.uses[:TOP_TECHNIQUES]] + [g.about_ref for g, _ in shown_groups]
        names = latest_bodies(conn, hub, vis, wanted)
    by_week = [dict.fromkeys((t.value for t in Tlp), 0) for _ in starts]
    for week, tlp, count in counts.received:
        if 0 <= week < len(starts) and tlp in by_week[week]:
            by_week[week][tlp] += count
    kinds = dict.fromkeys(ORDER, 0)
    every = 0
    for otype, count in counts.types:
        if otype == "*":
            every = count
        else:
            kinds[kind_of_type(otype)] += count
    # an indicator whose versions changed kind counts under each: "other" never goes below 0
    kinds[OTHER] = max(every - sum(kinds.values()), 0)
    techniques = []
    for ref, count in counts.uses[:TOP_TECHNIQUES]:
        body = _body(names.get(ref))
        if body is None:
            continue
        techniques.append(
            TechniqueUse(ref, attack_id_of(body) or "", str(body.get("name", ref)), _tactics(body), count)
        )
    sightings = [
        SightingSummary(
            g.about_ref,
            _label(_body(names.get(g.about_ref)), g.about_ref),
            g.organisations if shown else None,
            g.reports if shown else None,
            g.last_added if shown else None,
            g.reader_reported,
        )
        for g, shown in shown_groups
    ]
    return Dashboard(
        visible_objects=counts.total,
        weeks=[Week(s, c) for s, c in zip(starts, by_week, strict=True)],
        indicator_kinds=list(kinds.items()),
        techniques=techniques,
        sightings=sightings,
        advisories=list_advisories(hub, who),
    )


def _sightings_shown(who: Principal, groups: list[store.SightingGroup]) -> list[tuple[store.SightingGroup, bool]]:
    """The groups a reader is told about, with whether their counts are shown: counts shown, or the
    reader's own report among them ("< 3"). Shown ones first, by organisations; the others in id
    order, so that their order tells nothing of their hidden counts."""
    listed = []
    for g in groups:
        shown = sighting_counts_shown(who.org_id, g.owner_org_id, frozenset(range(g.organisations)))
        if shown or g.reader_reported:
            listed.append((g, shown))
    listed.sort(
        key=lambda p: (0, -p[0].organisations, -p[0].last_added, p[0].about_ref) if p[1] else (1, 0, 0, p[0].about_ref)
    )
    return listed[:TOP_SIGHTINGS]
