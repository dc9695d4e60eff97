"""Intake through the hub: upload, progress, review, publish under the sharing policy; CLI extract."""

from __future__ import annotations

import time

import orjson
from click.testing import CliRunner
from fastapi.testclient import TestClient

from lionrock.cli.main import main
from lionrock.hub.attack import attack_catalogue, import_attack
from lionrock.intake.attack import load_bundle
from tests.conftest import World, shared

REPORT = (
    b"Operation Lantern used PowerShell and scheduled tasks. C2: hxxps://pay-hk[.]example-bank.com/login "
    b"and 203.0.113.50. The scammer called from +852 6123 4567. The victim's HKID A123456(3) leaked."
)


def _wait(client: TestClient, world: World, job: str, who: str = "bank-a") -> dict[str, object]:
    for _ in range(200):
        state = client.get(f"/api/v1/intake/{job}", headers=world.auth(who)).json()
        if state["status"] in ("done", "failed"):
            return dict(state)
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_upload_review_publish(client: TestClient, world: World) -> None:
    up = client.post("/api/v1/intake", params={"filename": "lantern.txt"}, content=REPORT, headers=world.auth("bank-a"))
    assert up.status_code == 202
    job = up.json()["id"]
    state = _wait(client, world, job)
    assert state["status"] == "done" and state["progress"] == 100
    result = state["result"]
    keys = {i["key"] for i in result["indicators"]}  # type: ignore[index]
    assert {"url:https://pay-hk.example-bank.com/login", "ipv4-addr:203.0.113.50", "phone-number:+85261234567"} <= keys
    assert [p["type"] for p in result["personal_data"]] == ["hkid"]  # type: ignore[index]
    assert "A123456" not in str(state["draft"])
    assert client.get(f"/api/v1/intake/{job}", headers=world.auth("bank-b")).status_code == 404
    decided = client.patch(
        f"/api/v1/intake/{job}", headers=world.auth("bank-a"), json={"reject": ["ipv4-addr:203.0.113.50"]}
    )
    assert decided.json()["rejected"] == ["ipv4-addr:203.0.113.50"]
    sloppy = client.post(
        f"/api/v1/intake/{job}/publish", headers=world.auth("bank-a"), json={"tlp": "amber", "anonymous": "false"}
    )
    assert sloppy.status_code == 422
    pub = client.post(
        f"/api/v1/intake/{job}/publish",
        headers=world.auth("bank-a"),
        json={"tlp": "amber", "audience": {"groups": ["circle"]}},
    )
    assert pub.status_code == 201
    seen_b = client.get("/api/v1/objects", params={"type": "indicator", "limit": 100}, headers=world.auth("bank-b"))
    patterns = [i["object"]["pattern"] for i in seen_b.json()["items"]]
    assert "[url:value = 'https://pay-hk.example-bank.com/login']" in patterns
    assert not any("203.0.113.50" in p for p in patterns)
    items = seen_b.json()["items"]
    assert all(i["meta"]["tlp"] == "amber" and "reviewed" in i["object"]["labels"] for i in items)
    assert (
        client.get("/api/v1/objects", params={"type": "indicator"}, headers=world.auth("bank-c")).json()["items"] == []
    )
    again = client.post(f"/api/v1/intake/{job}/publish", headers=world.auth("bank-a"), json={"tlp": "amber"})
    assert again.status_code == 409


def test_broken_upload_fails_with_a_reason(client: TestClient, world: World) -> None:
    up = client.post(
        "/api/v1/intake", params={"filename": "x.pdf"}, content=b"%PDF-1.4 broken", headers=world.auth("bank-a")
    )
    state = _wait(client, world, up.json()["id"])
    assert state["status"] == "failed" and "PDF" in str(state["error"])
    reader = {"Authorization": f"Bearer {world.tokens['bank-a:reader']}"}
    assert client.post("/api/v1/intake", content=REPORT, headers=reader).status_code == 403


def test_attack_import_feeds_the_hubs_mapping(world: World) -> None:
    objects = load_bundle(shared("attack", "enterprise-attack-v18.1.json.gz"))
    stored, total = import_attack(world.hub, objects[:3000])
    assert stored == total == 3000
    assert import_attack(world.hub, objects[:3000])[0] == 0
    techniques = attack_catalogue(world.hub, world.principals["bank-c"])
    assert techniques and all(t.stix_id.startswith("attack-pattern--") for t in techniques.values())


def test_cli_extract_prints_the_stable_json(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "r.txt"
    path.write_bytes(REPORT)
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert set(data) == {"indicators", "techniques", "personal_data"}
    first = data["indicators"][0]
    assert set(first) == {"type", "value", "as_written", "flags", "evidence"}
    assert set(first["evidence"][0]) == {"page", "start", "end", "text"}
    stix = CliRunner().invoke(main, ["extract", str(path), "--format", "stix"])
    assert orjson.loads(stix.stdout)["type"] == "bundle"
    broken = tmp_path_file = Path(str(tmp_path)) / "b.pdf"
    tmp_path_file.write_bytes(b"%PDF-broken")
    failed = CliRunner().invoke(main, ["extract", str(broken)])
    assert failed.exit_code == 1 and "error" in failed.stderr
