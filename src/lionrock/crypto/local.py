"""LocalKeyFile: KEKs in one 0600 file outside the database (one `id hex` line each), AES key wrap.

The file is created on first use; changes (a new KEK, a destroyed one) rewrite it whole under an
exclusive lock, so two processes creating keys at once both keep theirs. A destroyed KEK's line is
gone from the file; copies in backups or on the disk's free blocks are not (docs/keys.md)."""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from lionrock.crypto.files import create_secret_file, replace_secret_file
from lionrock.crypto.provider import KeyGone, KeyProviderError

KEK_BYTES = 32
_LINE = re.compile(r"^(local-[0-9a-f]{32}) ([0-9a-f]{64})$")


class LocalKeyFile:
    name = "local"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def create_kek(self, purpose: str) -> str:
        return self.import_kek(purpose, os.urandom(KEK_BYTES))

    def import_kek(self, purpose: str, material: bytes) -> str:
        if len(material) != KEK_BYTES:
            raise KeyProviderError(f"a KEK is {KEK_BYTES} bytes")
        kek_id = f"local-{secrets.token_hex(16)}"
        with self._exclusive():
            keys = self._read()
            keys[kek_id] = material
            self._write(keys)
        return kek_id

    def wrap(self, kek_id: str, dek: bytes) -> bytes:
        return aes_key_wrap(self._kek(kek_id), dek)

    def unwrap(self, kek_id: str, wrapped: bytes) -> bytes:
        kek = self._kek(kek_id)
        try:
            return aes_key_unwrap(kek, wrapped)
        except InvalidUnwrap as exc:
            raise KeyProviderError(f"the data key does not unwrap under {kek_id} (wrong key or tampered)") from exc

    def destroy(self, kek_id: str) -> None:
        with self._exclusive():
            keys = self._read()
            if keys.pop(kek_id, None) is not None:
                self._write(keys)

    def export(self, kek_ids: list[str]) -> dict[str, bytes]:
        """The KEKs named that this file holds (for a backup's sealed key section only)."""
        keys = self._read()
        return {k: keys[k] for k in kek_ids if k in keys}

    def merge(self, incoming: dict[str, bytes]) -> int:
        """Add the KEKs this file lacks; a different key under an id it holds is refused (nothing is
        written). Returns how many were added."""
        with self._exclusive():
            keys = self._read()
            clash = [k for k, v in incoming.items() if k in keys and keys[k] != v]
            if clash:
                raise KeyProviderError(f"the key file {self.path} holds a different key under {clash[0]}")
            added = {k: v for k, v in incoming.items() if k not in keys and len(v) == KEK_BYTES}
            if added:
                self._write({**keys, **added})
            return len(added)

    def _kek(self, kek_id: str) -> bytes:
        kek = self._read().get(kek_id)
        if kek is None:
            raise KeyGone(f"the key {kek_id} is not in {self.path} (destroyed, or the wrong key file)")
        return kek

    def _read(self) -> dict[str, bytes]:
        try:
            text = self.path.read_text("ascii")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyProviderError(f"cannot read the key file {self.path}") from exc
        keys: dict[str, bytes] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            match = _LINE.match(line.strip())
            if match is None:
                raise KeyProviderError(f"the key file {self.path} is malformed at line {number}")
            keys[match.group(1)] = bytes.fromhex(match.group(2))
        return keys

    def _write(self, keys: dict[str, bytes]) -> None:
        content = "".join(f"{kek_id} {kek.hex()}\n" for kek_id, kek in keys.items()).encode()
        replace_secret_file(self.path, content)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One writer at a time, across threads and processes (a lock file beside the key file)."""
        lock = self.path.with_name(self.path.name + ".lock")
        create_secret_file(lock, b"")
        with self._lock, open(lock, "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
