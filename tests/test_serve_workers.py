"""`lionrock serve --workers 2`: two processes behind one port, each with its app built from the
environment; the parent migrates and recovers intake jobs once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from lionrock.access.model import OrgKind, Role
from lionrock.hub import Hub
from lionrock.hub.members import add_org, create_token
from lionrock.settings import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_two_worker_processes_answer_checks_with_the_database_the_parent_chose(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    hub = Hub.open(Settings(database_url=url))
    add_org(hub, "bank-a", OrgKind.BANK)
    token = create_token(hub, "bank-a", Role.READER).secret
    hub.engine.dispose()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "LIONROCK_DATABASE_URL"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lionrock.cli", "--database", url, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline:
            try:
                answer = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/fraud/check",
                    params={"type": "phone", "value": "9123 4567"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert answer is not None, "the server did not start"
        assert answer.status_code == 200 and answer.json()["risk"] == "no record"
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        if children.exists():  # Linux: the supervisor's worker processes
            assert len(children.read_text().split()) >= 2
    finally:
        proc.terminate()
        proc.wait(20)
