"""Migration 0004 turns a 0.1 database's objects into the write-side policy's records: owners from
first publishers, later producers' versions kept to themselves, versions as instants (two ways of
writing one instant become one version), sightings tied to what they sighted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, text

from lionrock.hub import Hub
from lionrock.settings import Settings
from lionrock.store.engine import make_engine
from lionrock.store.migrate import upgrade
from lionrock.store.schema import objects, owners

IND = "indicator--0b6f5a4e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"
SIGHTING = "sighting--7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a"
IP = "ipv4-addr--2b3e2c17-3144-5591-9c88-a605220f8c0c"


def _row(pk: int, stix_id: str, version: str, producer: int, body: str = "{}") -> dict[str, Any]:
    return {
        "pk": pk,
        "stix_id": stix_id,
        "stix_type": stix_id.split("--")[0],
        "version": version,
        "spec_version": "2.1",
        "date_added": pk,
        "producer_org_id": producer,
        "tlp": "green",
        "community": True,
        "anonymous": False,
        "channel": None,
        "has_refs": False,
        "value": None,
        "search_text": "",
        "body": body,
    }


def test_migration_0004_sets_owners_instants_and_sighting_targets(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    upgrade(engine, "0003_intake")
    old = [
        _row(1, IND, "2026-01-01T00:00:00Z", 1),
        _row(2, IND, "2026-01-01T00:00:00.000Z", 1),  # the same instant written another way
        _row(3, IND, "2026-01-01T00:00:00.5Z", 2),  # a later "version" by someone else (the old hole)
        _row(4, IP, "", 2),
        _row(5, SIGHTING, "2026-02-01T00:00:00Z", 3, f'{{"sighting_of_ref": "{IND}"}}'),
    ]
    with engine.begin() as conn:
        for org in (1, 2, 3):
            conn.execute(
                text("INSERT INTO orgs (id, name, kind, identity_id, created) VALUES (:i, :n, 'bank', :d, 0)"),
                {"i": org, "n": f"bank-{org}", "d": f"identity--00000000-0000-4000-8000-00000000000{org}"},
            )
        conn.execute(insert(objects), old)
    engine.dispose()
    hub = Hub.open(settings)
    try:
        with hub.engine.connect() as conn:
            rows = {r.pk: r for r in conn.execute(select(objects))}
            owned = dict(conn.execute(select(owners.c.stix_id, owners.c.org_id)).all())
    finally:
        hub.close()
    assert sorted(rows) == [1, 3, 4, 5]  # the duplicate instant is gone
    assert rows[1].version == "2026-01-01T00:00:00000000000" and rows[3].version == "2026-01-01T00:00:00500000000"
    assert rows[1].owner_record and not rows[3].owner_record  # bank-2's version is its own record now
    assert rows[4].owner_record and rows[4].version == ""  # SCOs are shared facts
    assert owned == {IND: 1, SIGHTING: 3}
    assert rows[5].about_ref == IND
