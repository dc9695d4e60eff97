"""REST: the private pre-payment check end to end, through the real app (issue 10).

The claim under test: a member learns the same answer as the plain check, while nothing it sends
holds the value, its canonical form, its STIX id or its tag; the hub counts and audits evaluations,
refuses past the hourly allowance, and refuses every malformed element or prefix with a 4xx.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import stat
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lionrock.app import create_app
from lionrock.cli.client import HubClient
from lionrock.cli.private_check import private_check
from lionrock.errors import Invalid
from lionrock.fraud import oprf
from lionrock.fraud.identifiers import normalise
from lionrock.fraud.private import oprf_input
from lionrock.hub import Hub
from lionrock.hub.fraud_index import backfill, key_path, prf_key
from lionrock.settings import Settings
from lionrock.store import audit
from lionrock.store.engine import read_transaction, write_transaction
from lionrock.store.schema import fraud_prf_index
from tests.conftest import World, build_world

REPORTS = "/api/v1/fraud/reports"
CHECK = "/api/v1/fraud/check"
EVALUATE = "/api/v1/fraud/private/evaluate"
BUCKET = "/api/v1/fraud/private/bucket"


class Recorder:
    """ASGI middleware that keeps every request's path, query, headers and body as the app got them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.requests: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        parts = [scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b"")]
        parts += [k + b": " + v for k, v in scope["headers"]]
        self.requests.append(b"")
        index = len(self.requests) - 1

        async def recording() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                parts.append(message.get("body", b""))
                self.requests[index] = b"\n".join(parts)
            return message

        self.requests[index] = b"\n".join(parts)
        await self.app(scope, recording, send)

    def clear(self) -> None:
        self.requests.clear()


@pytest.fixture
def recorder(settings: Settings, hub: Hub) -> Recorder:
    return Recorder(create_app(settings, hub))


@pytest.fixture
def app_client(recorder: Recorder) -> Iterator[TestClient]:
    with TestClient(recorder) as c:
        yield c


def member(app_client: TestClient, world: World, who: str) -> HubClient:
    """The real client library, speaking HTTP to the real app in-process."""
    client = HubClient("http://testserver", world.tokens[who])
    client.http = TestClient(app_client.app, headers=world.auth(who))
    return client


def report(app_client: TestClient, world: World, who: str, kind: str, value: str, **extra: Any) -> None:
    body = {"type": kind, "value": value, "scam_type": "investment", "role": "caller", **extra}
    r = app_client.post(REPORTS, headers=world.auth(who), json=body)
    assert r.status_code == 201, r.text


def plain(app_client: TestClient, world: World, kind: str, value: str) -> dict[str, Any]:
    r = app_client.get(CHECK, headers=world.auth("bank-c"), params={"type": kind, "value": value})
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def test_a_reported_value_gets_the_plain_checks_answer_privately(app_client: TestClient, world: World) -> None:
    report(app_client, world, "bank-a", "phone", "+852 9123 4567")
    report(app_client, world, "bank-b", "fps", "91234567", scam_type="romance")
    got = private_check(member(app_client, world, "bank-c"), "phone", "9123 4567")
    assert got == plain(app_client, world, "phone", "9123 4567")
    assert got["risk"] == "high" and got["organisations"] == "< 3" and got["scam_types"] == ["investment", "romance"]
    report(app_client, world, "police", "phone", "+85291234567")
    got = private_check(member(app_client, world, "bank-c:reader"), "fps", "FPS: 9123-4567")
    assert got == plain(app_client, world, "fps", "FPS: 9123-4567")
    assert got["organisations"] == 3


def test_an_unreported_value_is_no_record_as_in_the_plain_check(app_client: TestClient, world: World) -> None:
    report(app_client, world, "bank-a", "bank-account", "004-123-456789-001")
    for kind, value in [("phone", "+852 6123 4567"), ("bank-account", "004-123-456789-002")]:
        got = private_check(member(app_client, world, "bank-b"), kind, value)
        assert got == plain(app_client, world, kind, value)
        assert got["risk"] == "no record" and got["organisations"] == 0 and got["latest_report"] is None


def test_nothing_sent_in_private_mode_names_the_value_its_id_or_its_tag(
    app_client: TestClient, world: World, recorder: Recorder
) -> None:
    raw = "+852 9123 4567"
    report(app_client, world, "bank-a", "phone", raw)
    ident = normalise("phone", raw)
    with read_transaction(world.hub.engine) as conn:
        tag = oprf.evaluate(prf_key(conn, world.hub.settings), oprf_input(ident.id))
    secrets = [raw, "91234567", "9123 4567", ident.value, ident.id, ident.id.split("--")[1]]
    encoded = [s.encode() for s in secrets] + [urllib.parse.quote(s).encode() for s in secrets]
    encoded += [urllib.parse.quote_plus(s).encode() for s in secrets]
    encoded += [tag, tag.hex().encode(), base64.b64encode(tag), base64.urlsafe_b64encode(tag)]
    encoded += [tag[2:].hex().encode(), base64.b64encode(tag[:48])]  # no more than the prefix of the tag leaks
    client = member(app_client, world, "bank-b")
    recorder.clear()
    assert private_check(client, "phone", raw)["risk"] == "medium"
    assert len(recorder.requests) == 2  # one evaluate, one bucket
    for request in recorder.requests:
        lowered = request.lower()
        for needle in encoded:
            assert needle.lower() not in lowered, needle
    recorder.clear()  # the recorder can see leaks: the plain check sends the value
    plain(app_client, world, "phone", raw)
    assert any(urllib.parse.quote_plus(raw).encode() in r for r in recorder.requests)


def _evaluate(app_client: TestClient, world: World, who: str, n: int) -> Any:
    blinded = [base64.b64encode(oprf.blind(f"x{i}".encode())[1]).decode() for i in range(n)]
    return app_client.post(EVALUATE, headers=world.auth(who), json={"blinded": blinded})


@pytest.fixture
def limited(settings: Settings, hub: Hub) -> Iterator[tuple[TestClient, World]]:
    low = replace(settings, fraud_private_evaluations_per_hour=5)
    small = Hub(low, hub.engine, clock=hub.clock)
    world = build_world(small)
    with TestClient(create_app(low, small)) as c:
        yield c, world


def test_evaluations_are_counted_per_organisation_per_hour_and_refused_with_retry_after(
    limited: tuple[TestClient, World],
) -> None:
    app_client, world = limited
    assert _evaluate(app_client, world, "bank-a", 3).status_code == 200
    assert _evaluate(app_client, world, "bank-a:reader", 2).status_code == 200  # the organisation's allowance
    r = _evaluate(app_client, world, "bank-a", 1)
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 3600
    assert "5 private checks this hour" in r.json()["error"]["message"]
    assert _evaluate(app_client, world, "bank-b", 5).status_code == 200  # other organisations are untouched
    assert _evaluate(app_client, world, "bank-b", 1).status_code == 429


def test_a_request_that_would_cross_the_allowance_is_refused_whole(limited: tuple[TestClient, World]) -> None:
    app_client, world = limited
    assert _evaluate(app_client, world, "bank-a", 4).status_code == 200
    assert _evaluate(app_client, world, "bank-a", 2).status_code == 429
    assert _evaluate(app_client, world, "bank-a", 1).status_code == 200


def test_the_next_hour_has_a_fresh_allowance(limited: tuple[TestClient, World]) -> None:
    app_client, world = limited
    hub: Hub = app_client.app.state.hub  # type: ignore[attr-defined]
    start = hub.clock()
    hub.clock = lambda: start
    assert _evaluate(app_client, world, "bank-a", 5).status_code == 200
    assert _evaluate(app_client, world, "bank-a", 1).status_code == 429
    hub.clock = lambda: start + 3600 * 1_000_000
    assert _evaluate(app_client, world, "bank-a", 5).status_code == 200


def test_each_evaluate_request_is_audited_with_counts_never_elements(limited: tuple[TestClient, World]) -> None:
    app_client, world = limited
    blinded = base64.b64encode(oprf.blind(b"secret")[1]).decode()
    r = app_client.post(EVALUATE, headers=world.auth("bank-a"), json={"blinded": [blinded]})
    assert r.status_code == 200
    evaluated = r.json()["evaluated"][0]
    _evaluate(app_client, world, "bank-a", 5)  # refused
    with read_transaction(world.hub.engine) as conn:
        found = [e for e in audit.entries(conn) if e.action == "fraud.private.evaluate"]
    assert [(e.org_id, json.loads(e.detail)) for e in reversed(found)] == [
        (world.org_ids["bank-a"], {"elements": 1, "refused": False, "used_this_hour": 1}),
        (world.org_ids["bank-a"], {"elements": 5, "refused": True, "used_this_hour": 1}),
    ]
    assert all(blinded not in e.detail and evaluated not in e.detail and e.subject is None for e in found)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"blinded": []}, 422),
        ({"blinded": "AAAA"}, 422),
        ({"blinded": [1, 2]}, 422),
        ({"blinded": [["a"]]}, 422),
        ({"blinded": [None]}, 422),
        ({"blinded": ["not base64!"]}, 422),
        ({"blinded": ["A" * 65]}, 422),
        ({"blinded": [_b64(bytes(32))]}, 422),  # the identity
        ({"blinded": [_b64(b"\xff" * 32)]}, 422),  # not a field element
        ({"blinded": [_b64(bytes(31))]}, 422),
        ({"blinded": [_b64(b"\x01" + bytes(31))]}, 422),
        ({"blinded": [_b64(oprf.blind(b"ok")[1])] * 101}, 422),
        ({"blinded": [_b64(oprf.blind(b"ok")[1])], "extra": 1}, 422),
        ({}, 422),
        ([], 422),
        ("blinded", 422),
    ],
)
def test_hostile_evaluate_bodies_are_refused(app_client: TestClient, world: World, body: Any, status: int) -> None:
    r = app_client.post(EVALUATE, headers=world.auth("bank-a"), json=body)
    assert r.status_code == status, r.text


def test_an_invalid_element_names_its_index_and_counts_nothing(limited: tuple[TestClient, World]) -> None:
    app_client, world = limited
    good = _b64(oprf.blind(b"ok")[1])
    r = app_client.post(EVALUATE, headers=world.auth("bank-a"), json={"blinded": [good, _b64(bytes(32)), good]})
    assert r.status_code == 422
    assert [p["index"] for p in r.json()["error"]["problems"]] == [1]
    assert _evaluate(app_client, world, "bank-a", 5).status_code == 200  # the refused request used none


def test_huge_or_broken_bodies_and_strangers_are_refused(app_client: TestClient, world: World) -> None:
    r = app_client.post(EVALUATE, headers=world.auth("bank-a"), content=b'{"blinded": ["' + b"A" * 100_000 + b'"]}')
    assert r.status_code == 413
    r = app_client.post(EVALUATE, headers=world.auth("bank-a"), content=b"{not json")
    assert r.status_code == 400
    assert app_client.post(EVALUATE, json={"blinded": [_b64(oprf.blind(b"ok")[1])]}).status_code == 401
    assert app_client.get(BUCKET, params={"prefix": "abcd"}).status_code == 401


@pytest.mark.parametrize("prefix", ["", "abc", "abcde", "zzzz", "12 4", "-123", "a" * 60_000, "%00%00"])
def test_hostile_prefixes_are_refused(app_client: TestClient, world: World, prefix: str) -> None:
    r = app_client.get(BUCKET, headers=world.auth("bank-a"), params={"prefix": prefix})
    assert 400 <= r.status_code < 500 and r.status_code != 404, (prefix[:10], r.status_code)
    assert app_client.get(BUCKET, headers=world.auth("bank-a")).status_code == 422


def test_a_million_character_prefix_is_refused(recorder: Recorder, world: World) -> None:
    """httpx will not send a URL this long, so the request goes to the ASGI app directly."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": BUCKET,
        "raw_path": BUCKET.encode(),
        "query_string": b"prefix=" + b"a" * 10**6,
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"authorization", world.auth("bank-a")["Authorization"].encode())],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    # its own thread and event loop: a test before this one may leave a loop running in this thread
    worker = threading.Thread(target=lambda: asyncio.run(recorder(scope, receive, send)))
    worker.start()
    worker.join(30)
    assert sent[0]["status"] == 422


def test_a_bucket_holds_only_identifiers_under_its_prefix_and_never_their_ids(
    app_client: TestClient, world: World
) -> None:
    values = [f"004-123-{456700 + i}-001" for i in range(60)]
    rows = [
        {"type": "bank-account", "value": v, "scam_type": "investment", "role": "receiving-account"} for v in values
    ]
    assert app_client.post(REPORTS, headers=world.auth("bank-a"), json=rows).status_code == 201
    with read_transaction(world.hub.engine) as conn:
        key = prf_key(conn, world.hub.settings)
    ids = [normalise("bank-account", v).id for v in values]
    tags = {i: oprf.evaluate(key, oprf_input(i)) for i in ids}
    some = next(iter(tags.values()))
    r = app_client.get(BUCKET, headers=world.auth("bank-b:reader"), params={"prefix": some[:2].hex().upper()})
    assert r.status_code == 200
    entries = r.json()["entries"]
    expected = sorted(_b64(t) for t in tags.values() if t[:2] == some[:2])
    assert sorted(e["tag"] for e in entries) == expected
    assert all(set(e) == {"tag", "risk", "organisations", "latest_report", "scam_types", "dispute"} for e in entries)
    assert "bank-account--" not in r.text and "004-123" not in r.text


def test_reports_stored_before_the_index_are_found_after_the_backfill(app_client: TestClient, world: World) -> None:
    report(app_client, world, "bank-a", "email", "Mule@Example.com")
    report(app_client, world, "bank-b", "phone", "+852 9123 4567")
    with write_transaction(world.hub.engine) as conn:
        conn.execute(delete(fraud_prf_index))
    client = member(app_client, world, "bank-c")
    assert private_check(client, "email", "mule@example.com")["risk"] == "no record"
    assert backfill(world.hub, batch=1) == 2
    assert backfill(world.hub) == 0
    got = private_check(client, "email", "mule@example.com")
    assert got == plain(app_client, world, "email", "mule@example.com") and got["risk"] == "medium"


def test_the_key_lives_outside_the_database_in_a_0600_file(app_client: TestClient, world: World) -> None:
    report(app_client, world, "bank-a", "phone", "+852 9123 4567")
    path = key_path(world.hub.settings)
    assert path.is_file() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.name.endswith(".fraud-prf-key")
    assert len(bytes.fromhex(path.read_text().strip())) == 32


def test_a_lost_key_is_an_error_not_a_silent_new_key(app_client: TestClient, world: World) -> None:
    report(app_client, world, "bank-a", "phone", "+852 9123 4567")
    key_path(world.hub.settings).unlink()
    r = _evaluate(app_client, world, "bank-b", 1)
    assert r.status_code == 500 and "does not exist" in r.json()["error"]["message"]
    assert not key_path(world.hub.settings).exists()


def test_a_bad_value_is_refused_locally_before_anything_is_sent(
    app_client: TestClient, world: World, recorder: Recorder
) -> None:
    recorder.clear()
    with pytest.raises(Invalid):
        private_check(member(app_client, world, "bank-a"), "phone", "12345")
    assert recorder.requests == []


def test_an_overfull_bucket_is_refused_rather_than_answered_in_part(
    app_client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = bytes([0x12, 0x34]) + bytes(62)
    rows = [{"identifier_id": f"phone-number--{i:08d}", "prefix": 0x1234, "tag": tag} for i in range(3)]
    with write_transaction(world.hub.engine) as conn:
        conn.execute(fraud_prf_index.insert(), rows)
    monkeypatch.setattr("lionrock.hub.fraud_private.MAX_BUCKET", 2)
    r = app_client.get(BUCKET, headers=world.auth("bank-a"), params={"prefix": "1234"})
    assert r.status_code == 500 and "more than 2" in r.json()["error"]["message"]
    monkeypatch.setattr("lionrock.hub.fraud_private.MAX_BUCKET", 3)
    r = app_client.get(BUCKET, headers=world.auth("bank-a"), params={"prefix": "1234"})
    assert r.status_code == 200 and r.json()["entries"] == []  # index rows without reports answer nothing
