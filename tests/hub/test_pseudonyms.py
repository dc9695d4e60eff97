"""Keyed pseudonyms in the hub: stable across documents, organisations and written forms; the value
never in clear in the database; reveal allowed to submitters and (with a reason) law enforcement,
404 for everyone else exactly as for an unknown pseudonym; every attempt audited without the value;
rate-limited per organisation; hostile input on the endpoint."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from lionrock.access.model import AudienceNames
from lionrock.hub import Hub, intake, keyring, pseudonyms, query
from lionrock.hub import keys as hub_keys
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from lionrock.store import audit
from lionrock.store import keys as key_store
from lionrock.store.engine import read_transaction, write_transaction
from lionrock.store.objects import ObjectQuery
from lionrock.store.schema import pseudonyms as pseudonym_table
from tests.conftest import PG_URL, World

ONE = (
    b"Victim Chan Tai Man (HKID A123456(3)) was called on his mobile +852 9123 4567 by the scammer from "
    b"+852 6123 4567 who runs hxxp://evil-pay[.]com/login."
)
TWO = b"Our customer, HKID A 1234563, phone 91234567, lost HK$80,000 after the fraudster used evil-pay[.]com."
CLEAR = (b"A123456", b"A 1234563", b"9123 4567", b"91234567", b"Chan Tai Man")
REASON = "Case HK-2026-0042: warrant for the victim's identity"
TOKEN = re.compile(r"\[((?:HKID|PHONE|PERSON)-[0-9A-Z]{16})\]")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        audit_key_file=str(tmp_path / "keys" / "audit-key"),
        key_file=str(tmp_path / "keys" / "hub.keys"),
        pseudonym_reveals_per_hour=30,
    )


def _upload(world: World, data: bytes, who: str = "bank-a") -> str:
    job = intake.submit(world.hub, world.principals[who], data, "case.txt", wait=True)
    assert intake.view(world.hub, world.principals[who], job)["status"] == "done"
    return job


def _names(world: World, job: str, who: str = "bank-a") -> dict[str, str]:
    """personal value -> pseudonym id, as the job shows them."""
    result = intake.view(world.hub, world.principals[who], job)["result"]
    return {p["value"]: p["pseudonym"] for p in result["personal_data"]}


def _entries(hub: Hub) -> list[audit.AuditEntry]:
    with read_transaction(hub.engine) as conn:
        return list(reversed(audit.entries(conn, limit=10**6)))


def _reveal(client: TestClient, world: World, who: str, pid: str, body: object = None) -> object:
    kwargs = {"json": body} if body is not None else {}
    return client.post(f"/api/v1/pseudonyms/{pid}/reveal", headers=world.auth(who), **kwargs)


def test_the_same_victim_gets_the_same_pseudonym_across_documents_organisations_and_written_forms(
    world: World,
) -> None:
    one, two = _upload(world, ONE, "bank-a"), _upload(world, TWO, "bank-b")
    a, b = _names(world, one, "bank-a"), _names(world, two, "bank-b")
    assert a["A123456(3)"] == b["A123456(3)"] and a["A123456(3)"].startswith("HKID-")
    assert a["+85291234567"] == b["+85291234567"] and a["+85291234567"].startswith("PHONE-")
    draft_a = orjson.dumps(intake.view(world.hub, world.principals["bank-a"], one)["draft"]).decode()
    draft_b = orjson.dumps(intake.view(world.hub, world.principals["bank-b"], two)["draft"]).decode()
    shared = set(TOKEN.findall(draft_a)) & set(TOKEN.findall(draft_b))
    assert {a["A123456(3)"], a["+85291234567"]} <= shared
    for clear in CLEAR:
        assert clear.decode() not in draft_a and clear.decode() not in draft_b
    assert "+85261234567" in draft_a  # the scammer's number stays an indicator
    assert pseudonyms.submitted_by(world.hub, a["A123456(3)"]) == {world.org_ids["bank-a"], world.org_ids["bank-b"]}


def test_the_review_page_data_shows_pseudonyms_in_evidence_segments(world: World) -> None:
    job = _upload(world, ONE)
    shown = intake.review(world.hub, world.principals["bank-a"], job)
    pid = _names(world, job)["A123456(3)"]
    texts = [s.text for item in shown["result"]["indicators"] for e in item["evidence"] for s in e["segments"]]
    assert f"[{pid}]" in texts and not any("A123456" in t for t in texts)


def test_a_kek_rotation_changes_no_pseudonym(world: World) -> None:
    job = _upload(world, ONE)
    before = _names(world, job)
    with read_transaction(world.hub.engine) as conn:
        kek = key_store.active_key(conn, pseudonyms.KEY_PURPOSE, None)
    assert kek is not None
    hub_keys.rotate(world.hub, kek.id)
    assert _names(world, _upload(world, ONE)) == before


def test_another_hub_key_gives_other_pseudonyms(world: World, tmp_path: Path) -> None:
    job = _upload(world, ONE)
    other = Hub.open(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'other.db'}",
            audit_key_file=str(tmp_path / "other" / "audit-key"),
            key_file=str(tmp_path / "other" / "hub.keys"),
        )
    )
    try:
        from tests.conftest import build_world

        elsewhere = build_world(other)
        theirs = _names(elsewhere, _upload(elsewhere, ONE))
    finally:
        other.close()
    mine = _names(world, job)
    assert mine.keys() == theirs.keys() and not set(mine.values()) & set(theirs.values())


@pytest.mark.skipif(bool(PG_URL), reason="reads the SQLite database file and its WAL")
def test_personal_values_are_nowhere_in_clear_in_the_database_file_or_wal_even_after_publishing(
    world: World, settings: Settings
) -> None:
    job = _upload(world, ONE)
    pid = _names(world, job)["A123456(3)"]
    intake.publish_job(
        world.hub,
        world.principals["bank-a"],
        job,
        tlp=Tlp.AMBER,
        audience=AudienceNames(community=True),
        anonymous=False,
    )
    shown = query.list_objects(world.hub, world.principals["bank-a"], ObjectQuery()).items
    bodies = " ".join(s.version.body for s in shown)  # opened: object bodies are sealed at rest
    assert f"[{pid}]" in bodies  # published objects carry the pseudonym...
    db = Path(settings.database_url.removeprefix("sqlite:///"))
    for raw in (db.read_bytes(), db.with_name(db.name + "-wal").read_bytes()):
        for clear in CLEAR:  # ...and the files never held the value
            assert clear not in raw, clear


def test_the_submitter_and_law_enforcement_with_a_reason_may_reveal(client: TestClient, world: World) -> None:
    pid = _names(world, _upload(world, ONE))["A123456(3)"]
    mine = _reveal(client, world, "bank-a", pid)
    assert mine.status_code == 200, mine.text
    assert mine.json()["value"] == "A123456(3)" and mine.json()["ground"] == "submitter"
    assert mine.headers["cache-control"] == "no-store"
    bracketed = _reveal(client, world, "bank-a", f"[{pid}]".lower())
    assert bracketed.status_code == 200
    police = _reveal(client, world, "police", pid, {"reason": REASON})
    assert police.status_code == 200 and police.json()["ground"] == "law-enforcement"
    assert police.json()["value"] == "A123456(3)"


def test_everyone_else_gets_the_same_404_as_for_an_unknown_pseudonym(client: TestClient, world: World) -> None:
    pid = _names(world, _upload(world, ONE))["A123456(3)"]
    unknown = "HKID-" + "0" * 16 if pid != "HKID-" + "0" * 16 else "HKID-" + "1" * 16
    answers = [
        _reveal(client, world, "bank-b", pid, {"reason": REASON}),
        _reveal(client, world, "bank-a:reader", pid),
        _reveal(client, world, "hkma", pid, {"reason": REASON}),
        _reveal(client, world, "ops", pid, {"reason": REASON}),
        _reveal(client, world, "police:reader", pid, {"reason": REASON}),
        _reveal(client, world, "bank-a", unknown),
        _reveal(client, world, "police", unknown, {"reason": REASON}),
        _reveal(client, world, "bank-b", "not-a-pseudonym"),
    ]
    for answer in answers:
        assert answer.status_code == 404
        assert answer.content == answers[0].content
        assert answer.headers["cache-control"] == "no-store"
    assert "A123456" not in answers[0].text and pid not in answers[0].text


def test_law_enforcement_without_a_reason_is_refused_before_any_lookup(client: TestClient, world: World) -> None:
    pid = _names(world, _upload(world, ONE))["A123456(3)"]
    known = _reveal(client, world, "police", pid, {"reason": "because"})
    unknown = _reveal(client, world, "police", "HKID-" + "2" * 16, {"reason": "because"})
    assert known.status_code == unknown.status_code == 422 and known.content == unknown.content
    assert _reveal(client, world, "police", pid).status_code == 422


def test_every_reveal_is_audited_with_its_reason_and_never_the_value(client: TestClient, world: World) -> None:
    pid = _names(world, _upload(world, ONE))["A123456(3)"]
    _reveal(client, world, "bank-a", pid)
    _reveal(client, world, "police", pid, {"reason": REASON})
    _reveal(client, world, "bank-b", pid, {"reason": "curious about this one"})
    _reveal(client, world, "police", pid, {"reason": "x"})
    entries = [e for e in _entries(world.hub) if e.action.startswith("pseudonym.reveal")]
    by = [(e.action, e.org_id) for e in entries]
    assert by == [
        ("pseudonym.reveal", world.org_ids["bank-a"]),
        ("pseudonym.reveal", world.org_ids["police"]),
        ("pseudonym.reveal_refused", world.org_ids["bank-b"]),
        ("pseudonym.reveal_refused", world.org_ids["police"]),
    ]
    assert all(e.subject == pid for e in entries)
    assert REASON in str(entries[1].detail) and "curious" in str(entries[2].detail)
    for e in _entries(world.hub):
        assert "A123456" not in f"{e.subject} {e.detail}"


def test_reveals_are_rate_limited_per_organisation(client: TestClient, world: World, hub: Hub) -> None:
    hub.settings = Settings(**{**hub.settings.__dict__, "pseudonym_reveals_per_hour": 3})
    pid = _names(world, _upload(world, ONE))["A123456(3)"]
    assert [_reveal(client, world, "bank-a", pid).status_code for _ in range(3)] == [200, 200, 200]
    limited = _reveal(client, world, "bank-a", pid)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert limited.headers["cache-control"] == "no-store" and "A123456" not in limited.text
    assert _reveal(client, world, "bank-b", "HKID-" + "3" * 16).status_code == 404  # others keep theirs
    for _ in range(3):  # refused attempts count too: a stolen token cannot probe without limit
        _reveal(client, world, "bank-b", "HKID-" + "3" * 16)
    assert _reveal(client, world, "bank-b", pid).status_code == 429
    assert "pseudonym.reveal_limited" in [e.action for e in _entries(world.hub)]


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'"reason"',
        b"7",
        b'{"reason": 7}',
        b'{"reason": ["a", "b"]}',
        b'{"reason": {"x": 1}}',
        b'{"reason": "x", "extra": 1}',
        b"{not json",
        orjson.dumps({"reason": "r" * 5000}),
    ],
)
def test_wrong_types_on_the_reveal_endpoint_are_refused(client: TestClient, world: World, body: bytes) -> None:
    pid = _names(world, _upload(world, ONE))["A123456(3)"]
    answer = client.post(
        f"/api/v1/pseudonyms/{pid}/reveal",
        headers={**world.auth("police"), "content-type": "application/json"},
        content=body,
    )
    assert answer.status_code in (400, 422), answer.text
    assert "A123456" not in answer.text and answer.headers["cache-control"] == "no-store"


def test_huge_inputs_on_the_reveal_endpoint_are_refused(client: TestClient, world: World) -> None:
    pid = _names(world, _upload(world, ONE))["A123456(3)"]
    big = client.post(
        f"/api/v1/pseudonyms/{pid}/reveal",
        headers=world.auth("police"),
        content=b'{"reason": "' + b"r" * 100_000 + b'"}',
    )
    assert big.status_code == 413
    long_path = _reveal(client, world, "bank-a", "HKID-" + "A" * 5000)
    assert long_path.status_code == 404
    anonymous = client.post(f"/api/v1/pseudonyms/{pid}/reveal")
    assert anonymous.status_code == 401


def test_a_sealed_value_copied_onto_another_pseudonym_does_not_open(client: TestClient, world: World) -> None:
    names = _names(world, _upload(world, ONE))
    hkid, phone = names["A123456(3)"], names["+85291234567"]
    with write_transaction(world.hub.engine) as conn:
        sealed = conn.execute(select(pseudonym_table.c.sealed).where(pseudonym_table.c.pseudonym == phone)).scalar()
        conn.execute(update(pseudonym_table).where(pseudonym_table.c.pseudonym == hkid).values(sealed=sealed))
    with pytest.raises(keyring.KeyUnusable):
        pseudonyms.reveal(world.hub, world.principals["bank-a"], hkid, None)
    assert [e.action for e in _entries(world.hub)][-1] == "pseudonym.reveal_refused"


def test_destroying_the_value_key_makes_values_unrevealable_410_and_others_still_get_404(
    client: TestClient, world: World
) -> None:
    pid = _names(world, _upload(world, ONE))["A123456(3)"]
    with read_transaction(world.hub.engine) as conn:
        kek = key_store.active_key(conn, pseudonyms.VALUE_PURPOSE, None)
    assert kek is not None
    hub_keys.destroy(world.hub, kek.id, force=True)
    assert _reveal(client, world, "bank-a", pid).status_code == 410
    assert _reveal(client, world, "bank-b", pid).status_code == 404
    assert _names(world, _upload(world, ONE))["A123456(3)"] == pid  # the HMAC key is another key: unchanged
