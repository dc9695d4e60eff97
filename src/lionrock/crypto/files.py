"""Secret files (keys) outside the database: created 0600, replaced whole, never half-written."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _write_tmp(path: Path, content: bytes) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    return tmp


def create_secret_file(path: Path, content: bytes) -> None:
    """Write a temporary 0600 file, then link it into place: a concurrent creator's key wins whole."""
    tmp = _write_tmp(path, content)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def replace_secret_file(path: Path, content: bytes) -> None:
    """Replace the file's content atomically (a reader sees the old file or the new one, 0600 both)."""
    tmp = _write_tmp(path, content)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
