"""Start lionrock and medallion as real HTTP servers for benchmarks (helpers, not a benchmark)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from lionrock.access.model import OrgKind, Role
from lionrock.hub import Hub
from lionrock.hub.members import add_org, create_token
from lionrock.settings import Settings

MEDALLION_USER, MEDALLION_PASSWORD = "bench", "bench-password"
MEDALLION_COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, auth: tuple[str, str] | None = None) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            httpx.get(url, timeout=1, auth=auth)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")


def start_lionrock(workdir: Path, database_url: str | None = None) -> tuple[subprocess.Popen[bytes], str, str]:
    """A fresh hub with one bank and an analyst token; returns (process, base URL, token)."""
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    hub = Hub.open(Settings(database_url=url))
    add_org(hub, "Bench Bank", OrgKind.BANK)
    token = create_token(hub, "Bench Bank", Role.ANALYST).secret
    hub.close()
    proc, base = serve_lionrock(workdir, url)
    return proc, base, token


def serve_lionrock(workdir: Path, database_url: str, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """`lionrock serve` (uvicorn, `workers` processes) over an existing hub database; returns (process,
    base URL)."""
    port = free_port()
    log = workdir / "lionrock.log"
    env = {**os.environ, "LIONROCK_DATABASE_URL": database_url, "LIONROCK_MAX_CONTENT_LENGTH": str(64 << 20)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lionrock.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/", proc, log)
    return proc, base


def start_medallion(workdir: Path, page_size: int) -> tuple[subprocess.Popen[bytes], str]:
    """medallion with its memory backend and one read/write collection; returns (process, base URL)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = {
        "/discovery": {"title": "medallion", "default": f"{base}/bench/", "api_roots": [f"{base}/bench/"]},
        "bench": {
            "information": {
                "title": "bench",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 64 << 20,
            },
            "status": [],
            "collections": [
                {
                    "id": MEDALLION_COLLECTION,
                    "title": "bench",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }
    (workdir / "medallion-data.json").write_text(json.dumps(data))
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(workdir / "medallion-data.json"),
        },
        "users": {MEDALLION_USER: MEDALLION_PASSWORD},
        "taxii": {"max_page_size": page_size},
    }
    (workdir / "medallion.json").write_text(json.dumps(config))
    log = workdir / "medallion.log"
    exe = Path(sys.executable).parent / "medallion"
    proc = subprocess.Popen(
        [str(exe), "--host", "127.0.0.1", "--port", str(port), str(workdir / "medallion.json")],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    wait_for(f"{base}/taxii2/", proc, log, auth=(MEDALLION_USER, MEDALLION_PASSWORD))
    return proc, base
