"""Key-encryption keys (the keys table) and the data keys they wrap (data_keys). Key material is never
here: a KEK row holds its provider's reference, a data key row holds the data key wrapped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, delete, exists, func, insert, select, update

from lionrock.store.schema import data_keys, intake_jobs, keys, objects

ACTIVE, RETIRED, DESTROYED = "active", "retired", "destroyed"


@dataclass(frozen=True)
class KeyRow:
    id: int
    purpose: str
    org_id: int | None
    provider: str
    provider_ref: str
    state: str
    created: int
    last_rotated: int | None
    rotation_days: int
    usage_count: int
    replaced_by: int | None


@dataclass(frozen=True)
class DataKeyRow:
    id: int
    kek_id: int
    wrapped: bytes


_KEY_COLUMNS = [keys.c[name] for name in KeyRow.__dataclass_fields__]


def add_key(
    conn: Connection, *, purpose: str, org_id: int | None, provider: str, ref: str, now: int, rotation_days: int
) -> int:
    inserted = conn.execute(
        insert(keys)
        .values(
            purpose=purpose,
            org_id=org_id,
            provider=provider,
            provider_ref=ref,
            state=ACTIVE,
            created=now,
            last_rotated=now,
            rotation_days=rotation_days,
            usage_count=0,
        )
        .returning(keys.c.id)
    )
    return int(inserted.scalar_one())


def key(conn: Connection, key_id: int) -> KeyRow | None:
    found = conn.execute(select(*_KEY_COLUMNS).where(keys.c.id == key_id)).first()
    return KeyRow(*found) if found else None


def all_keys(conn: Connection) -> list[KeyRow]:
    return [KeyRow(*r) for r in conn.execute(select(*_KEY_COLUMNS).order_by(keys.c.id))]


def active_key(conn: Connection, purpose: str, org_id: int | None) -> KeyRow | None:
    """The newest active KEK for the purpose (and owner): the one new data keys are wrapped under."""
    owner = keys.c.org_id.is_(None) if org_id is None else keys.c.org_id == org_id
    found = conn.execute(
        select(*_KEY_COLUMNS)
        .where(keys.c.purpose == purpose, owner, keys.c.state == ACTIVE)
        .order_by(keys.c.id.desc())
        .limit(1)
    ).first()
    return KeyRow(*found) if found else None


def set_key(conn: Connection, key_id: int, **values: object) -> None:
    conn.execute(update(keys).where(keys.c.id == key_id).values(**values))


def add_usage(conn: Connection, counts: dict[int, int]) -> None:
    for key_id, count in counts.items():
        conn.execute(update(keys).where(keys.c.id == key_id).values(usage_count=keys.c.usage_count + count))


def add_data_key(conn: Connection, kek_id: int, wrapped: bytes, now: int) -> int:
    inserted = conn.execute(
        insert(data_keys).values(kek_id=kek_id, wrapped=wrapped, created=now).returning(data_keys.c.id)
    )
    return int(inserted.scalar_one())


def data_key(conn: Connection, data_key_id: int) -> tuple[DataKeyRow, KeyRow] | None:
    """The wrapped data key with the KEK row that wraps it now (as one read: a rotation moves both)."""
    found = conn.execute(
        select(data_keys.c.id, data_keys.c.kek_id, data_keys.c.wrapped, *_KEY_COLUMNS)
        .join(keys, keys.c.id == data_keys.c.kek_id)
        .where(data_keys.c.id == data_key_id)
    ).first()
    if found is None:
        return None
    return DataKeyRow(*found[:3]), KeyRow(*found[3:])


def data_keys_of(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[DataKeyRow, KeyRow]]:
    """Several data keys with the KEKs that wrap them now, by id (one read per 500)."""
    wanted = sorted(set(ids))
    found: dict[int, tuple[DataKeyRow, KeyRow]] = {}
    for start in range(0, len(wanted), 500):
        for row in conn.execute(
            select(data_keys.c.id, data_keys.c.kek_id, data_keys.c.wrapped, *_KEY_COLUMNS)
            .join(keys, keys.c.id == data_keys.c.kek_id)
            .where(data_keys.c.id.in_(wanted[start : start + 500]))
        ):
            found[int(row[0])] = (DataKeyRow(*row[:3]), KeyRow(*row[3:]))
    return found


def first_data_key(conn: Connection, purpose: str) -> tuple[DataKeyRow, KeyRow] | None:
    """The oldest data key of a purpose whose KEK is not destroyed, with that KEK (the blind-index key:
    one per hub; a rotation keeps its id)."""
    found = conn.execute(
        select(data_keys.c.id, data_keys.c.kek_id, data_keys.c.wrapped, *_KEY_COLUMNS)
        .join(keys, keys.c.id == data_keys.c.kek_id)
        .where(keys.c.purpose == purpose, keys.c.state != DESTROYED)
        .order_by(data_keys.c.id)
        .limit(1)
    ).first()
    if found is None:
        return None
    return DataKeyRow(*found[:3]), KeyRow(*found[3:])


def data_keys_under(conn: Connection, kek_id: int, limit: int) -> list[DataKeyRow]:
    rows = conn.execute(
        select(data_keys.c.id, data_keys.c.kek_id, data_keys.c.wrapped)
        .where(data_keys.c.kek_id == kek_id)
        .order_by(data_keys.c.id)
        .limit(limit)
    )
    return [DataKeyRow(*r) for r in rows]


def count_data_keys(conn: Connection, kek_id: int) -> int:
    return int(conn.execute(select(func.count()).where(data_keys.c.kek_id == kek_id)).scalar_one())


def rewrap(conn: Connection, data_key_id: int, from_kek: int, to_kek: int, wrapped: bytes) -> bool:
    """Move one data key to another KEK, only if it is still under `from_kek` (a concurrent rotation
    that moved it first wins); True if this call moved it."""
    moved = conn.execute(
        update(data_keys)
        .where(data_keys.c.id == data_key_id, data_keys.c.kek_id == from_kek)
        .values(kek_id=to_kek, wrapped=wrapped)
    )
    return moved.rowcount == 1


def sealed_objects_under(conn: Connection, kek_id: int) -> int:
    """Stored object versions sealed under data keys the KEK wraps (what destroying it makes unreadable)."""
    return int(
        conn.execute(
            select(func.count())
            .select_from(objects.join(data_keys, data_keys.c.id == objects.c.data_key_id))
            .where(data_keys.c.kek_id == kek_id, objects.c.sealed.is_not(None))
        ).scalar_one()
    )


def sealed_jobs_under(conn: Connection, kek_id: int) -> int:
    """Intake jobs whose sealed results depend on the KEK (what destroying it makes unreadable)."""
    return int(
        conn.execute(
            select(func.count())
            .select_from(intake_jobs.join(data_keys, data_keys.c.id == intake_jobs.c.data_key_id))
            .where(data_keys.c.kek_id == kek_id, intake_jobs.c.sealed.is_not(None))
        ).scalar_one()
    )


# --- re-encryption of object versions carried over by a rotation (docs/keys.md "Re-encryption") ---------


@dataclass(frozen=True)
class CarriedVersion:
    """A sealed object version whose data key predates the KEK that wraps it now: a rotation re-wrapped
    that data key, so the version is still encrypted under a key that existed before the rotation."""

    pk: int
    stix_id: str
    version: str
    producer_org_id: int
    tlp: str
    body: str
    sealed: bytes
    data_key_id: int


def _carried(purpose: str) -> ColumnElement[bool]:
    return and_(
        objects.c.sealed.is_not(None),
        keys.c.purpose == purpose,
        keys.c.state != DESTROYED,
        data_keys.c.created < keys.c.created,
    )


_CARRIED_FROM = objects.join(data_keys, data_keys.c.id == objects.c.data_key_id).join(
    keys, keys.c.id == data_keys.c.kek_id
)


def carried_versions(conn: Connection, purpose: str, after_pk: int, limit: int) -> list[CarriedVersion]:
    """The next versions sealed under carried-over data keys of this KEK purpose, in primary-key order."""
    stmt = (
        select(
            objects.c.pk,
            objects.c.stix_id,
            objects.c.version,
            objects.c.producer_org_id,
            objects.c.tlp,
            objects.c.body,
            objects.c.sealed,
            objects.c.data_key_id,
        )
        .select_from(_CARRIED_FROM)
        .where(_carried(purpose), objects.c.pk > after_pk)
        .order_by(objects.c.pk)
        .limit(limit)
    )
    return [CarriedVersion(*r) for r in conn.execute(stmt)]


def count_carried(conn: Connection, purpose: str) -> int:
    return int(conn.execute(select(func.count()).select_from(_CARRIED_FROM).where(_carried(purpose))).scalar_one())


def reseal(conn: Connection, pk: int, old_data_key_id: int, sealed: bytes, data_key_id: int) -> bool:
    """Replace one version's envelope, only if it is still under the old data key (a concurrent run that
    re-encrypted it first wins); True if this call did."""
    done = conn.execute(
        update(objects)
        .where(objects.c.pk == pk, objects.c.data_key_id == old_data_key_id)
        .values(sealed=sealed, data_key_id=data_key_id)
    )
    return done.rowcount == 1


def drop_carried_data_keys(conn: Connection, purpose: str) -> int:
    """Delete the carried-over data keys of this purpose that no object version uses any more (a key that
    predates its KEK is never a writing key: a rotation makes every writer take a fresh one)."""
    unused = ~exists().where(objects.c.data_key_id == data_keys.c.id)
    ids = [
        int(i)
        for i in conn.execute(
            select(data_keys.c.id)
            .join(keys, keys.c.id == data_keys.c.kek_id)
            .where(keys.c.purpose == purpose, data_keys.c.created < keys.c.created, unused)
        ).scalars()
    ]
    if not ids:
        return 0
    return int(conn.execute(delete(data_keys).where(data_keys.c.id.in_(ids), unused)).rowcount)
