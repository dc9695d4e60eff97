"""STIX versions: insert, widen, read (always through a Visibility), delete."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    delete,
    exists,
    false,
    func,
    insert,
    not_,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.sql.elements import TextClause

from lionrock.access.model import Audience
from lionrock.access.policy import Visibility
from lionrock.stix.ids import timestamp_key, us_to_timestamp
from lionrock.store.schema import audience, objects, owners, refs
from lionrock.store.visibility_sql import OTHER_VERSION, visible

_CHUNK = 500


@dataclass(frozen=True)
class NewVersion:
    """One validated version ready to store, with its release."""

    stix_id: str
    stix_type: str
    version: str
    spec_version: str
    body: str
    producer_org_id: int
    tlp: str
    audience: Audience
    anonymous: bool
    channel: str | None
    ref_ids: tuple[str, ...]
    value: str | None
    search_text: str
    owner_record: bool = True
    about_ref: str | None = None
    sealed: bytes | None = None  # then `body` holds the clear facts SQL reads only (hub/object_seal.py)
    data_key_id: int | None = None


@dataclass(frozen=True)
class StoredVersion:
    pk: int
    stix_id: str
    stix_type: str
    version: str
    spec_version: str
    date_added: int
    producer_org_id: int
    tlp: str
    community: bool
    anonymous: bool
    channel: str | None
    body: str
    sealed: bytes | None = None
    data_key_id: int | None = None


@dataclass(frozen=True)
class Existing:
    """What the write path needs to know about a version already held (never shown to readers)."""

    pk: int
    stix_id: str
    version: str
    body: str
    tlp: str
    producer_org_id: int
    sealed: bytes | None = None
    data_key_id: int | None = None


@dataclass(frozen=True)
class ObjectQuery:
    """Filters shared by REST and TAXII lists."""

    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    spec_versions: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)
    added_after: int | None = None
    text: str | None = None
    value: str | None = None
    group_id: int | None = None
    channel: str | None = None
    after: tuple[int, int] | None = None
    limit: int = 1000
    # Search filters (the web search page)
    tlps: tuple[str, ...] = ()
    added_from: int | None = None  # date_added >= (µs)
    added_to: int | None = None  # date_added < (µs)
    modified_from: int | None = None  # modified (date_added for unversioned objects) >= (µs)
    modified_to: int | None = None  # ... < (µs)
    producer_org_id: int | None = None  # its named versions only; anonymous ones stay anonymous
    anonymous_producer: bool = False  # others' anonymous submissions only
    observables: tuple[str, ...] = ()  # canonical forms: an SCO's value, or a literal in an indicator's pattern
    before: tuple[int, int] | None = None  # newest first: rows before this (date_added, pk)
    newest_first: bool = False
    # The same lookups in sealed rows (keyed blind indexes, lionrock.crypto.blind; filled by the hub):
    blind_value: str | None = None  # `value`'s blind form
    blind_words: tuple[tuple[str, ...], ...] = ()  # per word of `text`: the tokens that must all be present
    blind_observables: tuple[str, ...] = ()  # blind forms of `observables`
    blind_literals: tuple[str, ...] = ()  # tokens of `observables` as literals of an indicator's pattern


_COLUMNS = (
    objects.c.pk,
    objects.c.stix_id,
    objects.c.stix_type,
    objects.c.version,
    objects.c.spec_version,
    objects.c.date_added,
    objects.c.producer_org_id,
    objects.c.tlp,
    objects.c.community,
    objects.c.anonymous,
    objects.c.channel,
    objects.c.body,
    objects.c.sealed,
    objects.c.data_key_id,
)


def last_date_added(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(objects.c.date_added), 0))).scalar_one())


def own_versions(
    conn: Connection, producer_org_id: int, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Existing]:
    """The producer's own versions for the given (id, version) keys: only these may make a
    submission 'unchanged' or conflicting, so no answer depends on what others hold."""
    wanted = set(keys)
    ids = sorted({k[0] for k in wanted})
    found: dict[tuple[str, str], Existing] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(
            select(
                objects.c.pk,
                objects.c.stix_id,
                objects.c.version,
                objects.c.body,
                objects.c.tlp,
                objects.c.sealed,
                objects.c.data_key_id,
            ).where(objects.c.stix_id.in_(ids[start : start + _CHUNK]), objects.c.producer_org_id == producer_org_id)
        )
        for pk, sid, ver, body, tlp, sealed, data_key_id in rows:
            if (sid, ver) in wanted:
                found[(sid, ver)] = Existing(pk, sid, ver, body, tlp, producer_org_id, sealed, data_key_id)
    return found


def owners_of(conn: Connection, ids: Iterable[str]) -> dict[str, int]:
    """The owning organisation of each id that has one (never shown to readers)."""
    wanted = sorted(set(ids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = conn.execute(
            select(owners.c.stix_id, owners.c.org_id).where(owners.c.stix_id.in_(wanted[start : start + _CHUNK]))
        )
        found.update((str(sid), int(org)) for sid, org in rows)
    return found


def claim_owners(conn: Connection, ids: Sequence[str], org_id: int) -> set[str]:
    """Record `org_id` as the owner of those ids nobody owns yet; returns the ids it now owns.

    One multi-row INSERT … ON CONFLICT DO NOTHING RETURNING per 400 ids, written as text with bound
    parameters: SQLAlchemy's executemany builds parameters row by row, which cost more than the
    insert itself on bulk publishes (measured with benchmarks/policy_cost.py)."""
    claimed: set[str] = set()
    for start in range(0, len(ids), _CLAIM_CHUNK):
        chunk = ids[start : start + _CLAIM_CHUNK]
        params: dict[str, object] = {f"s{i}": sid for i, sid in enumerate(chunk)}
        params["org"] = org_id
        claimed.update(str(sid) for sid in conn.execute(_claim_statement(len(chunk)), params).scalars())
    return claimed


_CLAIM_CHUNK = 400


@lru_cache(maxsize=_CLAIM_CHUNK)
def _claim_statement(rows: int) -> TextClause:
    values = ", ".join(f"(:s{i}, :org)" for i in range(rows))
    return text(
        f"INSERT INTO owners (stix_id, org_id) VALUES {values} ON CONFLICT (stix_id) DO NOTHING RETURNING stix_id"
    )


def visible_owned(conn: Connection, vis: Visibility, owned: dict[str, int]) -> set[str]:
    """Which of these ids have a version by their owner that the reader may see."""
    found: set[str] = set()
    items = sorted(owned.items())
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        rows = conn.execute(
            select(objects.c.stix_id, objects.c.producer_org_id)
            .where(objects.c.stix_id.in_([sid for sid, _ in chunk]), visible(vis))
            .distinct()
        )
        found.update(str(sid) for sid, producer in rows if owned.get(str(sid)) == producer)
    return found


_INSERTED = (
    "stix_id",
    "stix_type",
    "version",
    "spec_version",
    "date_added",
    "producer_org_id",
    "tlp",
    "community",
    "anonymous",
    "channel",
    "has_refs",
    "value",
    "search_text",
    "body",
    "owner_record",
    "about_ref",
    "sealed",
    "data_key_id",
)


@lru_cache(maxsize=4)
def _insert_objects_sql(paramstyle: str) -> str:
    mark = "?" if paramstyle == "qmark" else "%s"
    return f"INSERT INTO objects ({', '.join(_INSERTED)}) VALUES ({', '.join([mark] * len(_INSERTED))})"


def insert_versions(conn: Connection, versions: Sequence[NewVersion], first_date_added: int) -> list[int]:
    """Insert new versions with strictly increasing date_added; returns their primary keys."""
    if not versions:
        return []
    rows = [
        (
            v.stix_id,
            v.stix_type,
            v.version,
            v.spec_version,
            first_date_added + i,
            v.producer_org_id,
            v.tlp,
            v.audience.community,
            v.anonymous,
            v.channel,
            bool(v.ref_ids),
            v.value,
            v.search_text,
            v.body,
            v.owner_record,
            v.about_ref,
            v.sealed,
            v.data_key_id,
        )
        for i, v in enumerate(versions)
    ]
    # The driver's own executemany: SQLAlchemy's builds parameters row by row in Python, which
    # cost more than the insert on bulk publishes (benchmarks/policy_cost.py). No RETURNING either
    # (it would run row by row here); date_added values are unique and assigned under the write
    # lock, so they identify the new rows.
    conn.exec_driver_sql(_insert_objects_sql(conn.dialect.paramstyle), rows)
    last = first_date_added + len(rows)
    found = conn.execute(
        select(objects.c.date_added, objects.c.pk).where(
            objects.c.date_added >= first_date_added, objects.c.date_added < last
        )
    )
    by_date = {int(d): int(pk) for d, pk in found}
    pks = [int(by_date[first_date_added + i]) for i in range(len(rows))]
    aud_rows: list[dict[str, int | None]] = []
    ref_rows: list[dict[str, object]] = []
    for pk, v in zip(pks, versions, strict=True):
        aud_rows.extend({"object_pk": pk, "org_id": o, "group_id": None} for o in v.audience.org_ids)
        aud_rows.extend({"object_pk": pk, "org_id": None, "group_id": g} for g in v.audience.group_ids)
        ref_rows.extend({"object_pk": pk, "ref_id": r} for r in v.ref_ids)
    if aud_rows:
        conn.execute(insert(audience), aud_rows)
    if ref_rows:
        conn.execute(insert(refs), ref_rows)
    return pks


def widen_audience(conn: Connection, pk: int, extra: Audience, date_added: int) -> bool:
    """Add audience to a held version; returns True if anyone new may now see it. The version is
    re-dated so that incremental readers who just gained it receive it."""
    have = conn.execute(select(audience.c.org_id, audience.c.group_id).where(audience.c.object_pk == pk))
    orgs_held: set[int] = set()
    groups_held: set[int] = set()
    for org_id, group_id in have:
        if org_id is not None:
            orgs_held.add(org_id)
        else:
            groups_held.add(group_id)
    community = bool(conn.execute(select(objects.c.community).where(objects.c.pk == pk)).scalar_one())
    new_orgs, new_groups = extra.org_ids - orgs_held, extra.group_ids - groups_held
    gains_community = extra.community and not community
    if not (new_orgs or new_groups or gains_community):
        return False
    rows = [{"object_pk": pk, "org_id": o, "group_id": None} for o in new_orgs]
    rows += [{"object_pk": pk, "org_id": None, "group_id": g} for g in new_groups]
    if rows:
        conn.execute(insert(audience), rows)
    values: dict[str, object] = {"date_added": date_added}
    if gains_community:
        values["community"] = True
    conn.execute(update(objects).where(objects.c.pk == pk).values(**values))
    return True


def _to_stored(row: Sequence[object]) -> StoredVersion:
    return StoredVersion(*row)  # type: ignore[arg-type]


def _filtered(vis: Visibility, q: ObjectQuery) -> Select[tuple[object, ...]]:
    stmt = select(*_COLUMNS).where(visible(vis))
    if q.ids:
        stmt = stmt.where(objects.c.stix_id.in_(q.ids))
    if q.types:
        stmt = stmt.where(objects.c.stix_type.in_(q.types))
    if q.spec_versions:
        stmt = stmt.where(objects.c.spec_version.in_(q.spec_versions))
    if q.added_after is not None:
        stmt = stmt.where(objects.c.date_added > q.added_after)
    if q.text:
        for i, word in enumerate(q.text.lower().split()):
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clear = and_(objects.c.sealed.is_(None), objects.c.search_text.like(f"%{escaped}%", escape="\\"))
            tokens = q.blind_words[i] if i < len(q.blind_words) else ()
            stmt = stmt.where(or_(clear, _has_tokens(tokens)) if tokens else clear)
    if q.value is not None:
        wanted = [q.value.strip().lower()] + ([q.blind_value] if q.blind_value else [])
        stmt = stmt.where(objects.c.value.in_(wanted))
    if q.group_id is not None:
        stmt = stmt.where(
            exists(select(1).where(audience.c.object_pk == objects.c.pk, audience.c.group_id == q.group_id))
        )
    if q.channel is not None:
        stmt = stmt.where(objects.c.channel == q.channel)
    return _search_filters(vis, q, stmt).where(_version_filter(vis, q.versions))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_filters(vis: Visibility, q: ObjectQuery, stmt: Select[tuple[object, ...]]) -> Select[tuple[object, ...]]:
    """The web search's filters. A producer filter never finds another organisation's anonymous
    submissions (that would name their producer); 'anonymous' finds others' anonymous ones only."""
    if q.tlps:
        stmt = stmt.where(objects.c.tlp.in_(q.tlps))
    if q.added_from is not None:
        stmt = stmt.where(objects.c.date_added >= q.added_from)
    if q.added_to is not None:
        stmt = stmt.where(objects.c.date_added < q.added_to)
    if q.modified_from is not None:
        key = _version_key(q.modified_from)
        stmt = stmt.where(
            or_(
                and_(objects.c.version != "", objects.c.version >= key),
                and_(objects.c.version == "", objects.c.date_added >= q.modified_from),
            )
        )
    if q.modified_to is not None:
        key = _version_key(q.modified_to)
        stmt = stmt.where(
            or_(
                and_(objects.c.version != "", objects.c.version < key),
                and_(objects.c.version == "", objects.c.date_added < q.modified_to),
            )
        )
    if q.producer_org_id is not None:
        stmt = stmt.where(objects.c.producer_org_id == q.producer_org_id)
        if q.producer_org_id != vis.org_id:
            stmt = stmt.where(objects.c.anonymous == false())
    if q.anonymous_producer:
        stmt = stmt.where(objects.c.anonymous == true(), objects.c.producer_org_id != vis.org_id)
    if q.observables:
        in_patterns: list[ColumnElement[bool]] = [
            objects.c.search_text.like(
                "%'" + _like_escape(form.replace("\\", "\\\\").replace("'", "\\'")) + "'%", escape="\\"
            )
            for form in q.observables
        ]
        in_patterns += [_has_tokens((token,)) for token in q.blind_literals]
        stmt = stmt.where(
            or_(
                objects.c.value.in_(q.observables + q.blind_observables),
                and_(objects.c.stix_type == "indicator", or_(*in_patterns)),
            )
        )
    return stmt


def _has_tokens(tokens: tuple[str, ...]) -> ColumnElement[bool]:
    """A sealed row whose blind search tokens include all these (hex tokens: nothing to escape)."""
    return and_(objects.c.sealed.isnot(None), *(objects.c.search_text.like(f"% {t} %") for t in tokens))


def _version_key(us: int) -> str:
    """The store's fixed-width version key of an instant (stix.ids.timestamp_key's form)."""
    return timestamp_key(us_to_timestamp(us)) or ""


def _version_filter(vis: Visibility, wanted: tuple[str, ...]) -> ColumnElement[bool]:
    if "all" in wanted:
        return true()
    other = OTHER_VERSION
    clauses: list[ColumnElement[bool]] = []
    for w in wanted:
        if w == "last":
            clauses.append(
                not_(
                    exists(
                        select(1).where(
                            other.c.stix_id == objects.c.stix_id,
                            other.c.producer_org_id == objects.c.producer_org_id,
                            other.c.version > objects.c.version,
                            visible(vis, other),
                        )
                    )
                )
            )
        elif w == "first":
            clauses.append(
                not_(
                    exists(
                        select(1).where(
                            other.c.stix_id == objects.c.stix_id,
                            other.c.producer_org_id == objects.c.producer_org_id,
                            other.c.version < objects.c.version,
                            visible(vis, other),
                        )
                    )
                )
            )
        else:  # a timestamp: the same instant however it is written
            clauses.append(objects.c.version == (timestamp_key(w) or w))
    return or_(*clauses)


def query_versions(conn: Connection, vis: Visibility, q: ObjectQuery) -> list[StoredVersion]:
    """One page of visible versions in date_added order (limit + 1 rows tell the caller 'more')."""
    stmt = _filtered(vis, q)
    if q.after is not None:
        d, pk = q.after
        stmt = stmt.where(or_(objects.c.date_added > d, and_(objects.c.date_added == d, objects.c.pk > pk)))
    if q.before is not None:
        d, pk = q.before
        stmt = stmt.where(or_(objects.c.date_added < d, and_(objects.c.date_added == d, objects.c.pk < pk)))
    if q.newest_first:
        stmt = stmt.order_by(objects.c.date_added.desc(), objects.c.pk.desc()).limit(q.limit + 1)
    else:
        stmt = stmt.order_by(objects.c.date_added, objects.c.pk).limit(q.limit + 1)
    return [_to_stored(r) for r in conn.execute(stmt)]


def versions_of(conn: Connection, vis: Visibility, stix_id: str) -> list[StoredVersion]:
    """Every visible version of one object, oldest first."""
    stmt = select(*_COLUMNS).where(objects.c.stix_id == stix_id, visible(vis)).order_by(objects.c.version)
    return [_to_stored(r) for r in conn.execute(stmt)]


def versions_of_many(conn: Connection, vis: Visibility, ids: Sequence[str]) -> list[StoredVersion]:
    """Every visible version of a few objects, by id then oldest first."""
    stmt = (
        select(*_COLUMNS)
        .where(objects.c.stix_id.in_(list(ids)), visible(vis))
        .order_by(objects.c.stix_id, objects.c.version)
    )
    return [_to_stored(r) for r in conn.execute(stmt)]


def relationships_of(conn: Connection, vis: Visibility, stix_id: str) -> list[StoredVersion]:
    """Visible relationships and sightings that reference an object (latest versions)."""
    q = ObjectQuery(types=("relationship", "sighting"), limit=10_000)
    stmt = (
        _filtered(vis, q)
        .where(exists(select(1).where(refs.c.object_pk == objects.c.pk, refs.c.ref_id == stix_id)))
        .order_by(objects.c.date_added)
    )
    return [_to_stored(r) for r in conn.execute(stmt)]


def delete_object(conn: Connection, stix_id: str, producer_org_id: int) -> int:
    """Delete the versions of an object that an organisation produced; returns how many."""
    pks = [
        r[0]
        for r in conn.execute(
            select(objects.c.pk).where(objects.c.stix_id == stix_id, objects.c.producer_org_id == producer_org_id)
        )
    ]
    if not pks:
        return 0
    conn.execute(delete(audience).where(audience.c.object_pk.in_(pks)))
    conn.execute(delete(refs).where(refs.c.object_pk.in_(pks)))
    conn.execute(delete(objects).where(objects.c.pk.in_(pks)))
    return len(pks)


@dataclass(frozen=True)
class SightingRow:
    stix_id: str
    version: str
    producer_org_id: int
    body: str
    sealed: bytes | None = None
    data_key_id: int | None = None


def sightings_for_counting(conn: Connection, stix_id: str) -> tuple[int | None, list[SightingRow]]:
    """The owner of an object and every stored sighting version of it, unfiltered.

    Only for aggregate counts that `access.policy.sighting_counts_shown` then gates: no object from
    here is ever returned to a reader."""
    owner = owners_of(conn, [stix_id]).get(stix_id)
    stmt = select(
        objects.c.stix_id,
        objects.c.version,
        objects.c.producer_org_id,
        objects.c.body,
        objects.c.sealed,
        objects.c.data_key_id,
    ).where(objects.c.stix_type == "sighting", objects.c.about_ref == stix_id, objects.c.owner_record == true())
    rows = [SightingRow(str(r[0]), str(r[1]), int(r[2]), str(r[3]), r[4], r[5]) for r in conn.execute(stmt)]
    return owner, rows


@dataclass(frozen=True)
class ClearRow:
    """A version stored in clear, as `keys seal-objects` seals it."""

    pk: int
    stix_id: str
    stix_type: str
    version: str
    producer_org_id: int
    tlp: str
    body: str
    value: str | None
    search_text: str


def clear_rows(conn: Connection, after_pk: int, limit: int, tlps: tuple[str, ...] | None) -> list[ClearRow]:
    """The next versions still in clear (of these TLPs; None: any), in primary-key order."""
    stmt = select(
        objects.c.pk,
        objects.c.stix_id,
        objects.c.stix_type,
        objects.c.version,
        objects.c.producer_org_id,
        objects.c.tlp,
        objects.c.body,
        objects.c.value,
        objects.c.search_text,
    ).where(objects.c.sealed.is_(None), objects.c.pk > after_pk)
    if tlps is not None:
        stmt = stmt.where(objects.c.tlp.in_(tlps))
    return [ClearRow(*r) for r in conn.execute(stmt.order_by(objects.c.pk).limit(limit))]


def count_clear(conn: Connection, tlps: tuple[str, ...] | None) -> int:
    stmt = select(func.count()).select_from(objects).where(objects.c.sealed.is_(None))
    if tlps is not None:
        stmt = stmt.where(objects.c.tlp.in_(tlps))
    return int(conn.execute(stmt).scalar_one())


def seal_rows(conn: Connection, sealed: Sequence[tuple[int, NewVersion]]) -> int:
    """Replace clear rows by their sealed form (only rows still clear: a concurrent run seals each once)."""
    done = 0
    for pk, v in sealed:
        result = conn.execute(
            update(objects)
            .where(objects.c.pk == pk, objects.c.sealed.is_(None))
            .values(body=v.body, sealed=v.sealed, data_key_id=v.data_key_id, value=v.value, search_text=v.search_text)
        )
        done += result.rowcount
    return done
