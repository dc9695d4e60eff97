"""Acknowledged writes survive `kill -9` of the server, and no bundle is ever half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from lionrock.hub import Hub
from lionrock.settings import Settings
from lionrock.stix.tlp import Tlp
from lionrock.store.schema import objects
from tests.conftest import World, bundle, free_port
from tests.factories import indicator


def _serve(database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LIONROCK_DATABASE_URL": database_url}
    cmd = [sys.executable, "-m", "lionrock.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(log.read_text())


def test_kill_9_loses_nothing_acknowledged(database_url: str, world: World, tmp_path: Path) -> None:
    port = free_port()
    proc = _serve(database_url, port, tmp_path / "serve.log")
    sent: list[list[str]] = []
    acknowledged: list[list[str]] = []
    stop = threading.Event()

    def writer() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=world.auth("bank-a")) as http:
            while not stop.is_set():
                objs = [indicator(f"198.51.100.{i}", tlp=Tlp.GREEN) for i in range(50)]
                sent.append([o["id"] for o in objs])
                try:
                    r = http.post("/api/v1/bundles", json={"bundle": bundle(*objs), "audience": {"community": True}})
                except httpx.HTTPError:
                    return
                if r.status_code == 201:
                    acknowledged.append([o["id"] for o in objs])

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.time() + 30
    while len(acknowledged) < 5 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stop.set()
    thread.join(10)
    assert len(acknowledged) >= 5

    hub = Hub.open(Settings(database_url=database_url))
    with hub.engine.connect() as conn:
        held = {r[0] for r in conn.execute(select(objects.c.stix_id))}
    hub.close()
    for ids in acknowledged:
        assert set(ids) <= held
    for ids in sent:
        present = len(set(ids) & held)
        assert present in (0, len(ids)), "a bundle was half-written"
