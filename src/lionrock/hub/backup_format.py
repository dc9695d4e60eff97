"""The backup file: a clear header, then compressed AES-256-GCM chunks bound to it and to their place.

Layout: MAGIC, a 4-byte big-endian header length, the header (JSON: format, created, schema revision,
dialect, per-table columns and row counts, a random salt and the key's id), then chunks, each a 4-byte
length, a 12-byte random nonce and the ciphertext. The file key is HKDF-SHA256(backup key, salt). Every
chunk's associated data is SHA-256(MAGIC, length, header) + its index (8 bytes) + a final flag (1 byte), so
an edited header, a reordered, dropped or altered chunk, and a file cut short all fail to decrypt or miss
the final chunk. A chunk's plaintext (zlib) is the table name, a newline, and one JSON row per line; the
final chunk holds each table's row digest (see `RowDigest`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lionrock.errors import LionrockError

MAGIC = b"LIONROCK-BACKUP\x00"
FORMAT = 1
KEY_BYTES = 32
NONCE_BYTES = 12
MAX_HEADER = 4 * 1024 * 1024
MAX_CHUNK = 64 * 1024 * 1024  # far above what the writer makes; a hostile length cannot exhaust memory
CHUNK_TARGET = 1024 * 1024  # plaintext bytes buffered before a chunk is sealed: bounds memory


class BackupError(LionrockError):
    """The backup file is not one we can trust: wrong key, altered, truncated or not a backup at all."""

    status = 422


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: tuple[str, ...]
    rows: int


@dataclass(frozen=True)
class Header:
    format: int
    created_us: int
    revision: str
    dialect: str
    tables: tuple[TableInfo, ...]
    salt: bytes
    key_id: str
    provider_keys: bytes = b""
    """The sealed key section (hub.backup_provider_keys); empty in backups made before it existed."""

    def to_json(self) -> bytes:
        extra = {"provider_keys": self.provider_keys.hex()} if self.provider_keys else {}
        return orjson.dumps(
            {
                **extra,
                "format": self.format,
                "created_us": self.created_us,
                "revision": self.revision,
                "dialect": self.dialect,
                "tables": [{"name": t.name, "columns": list(t.columns), "rows": t.rows} for t in self.tables],
                "salt": self.salt.hex(),
                "key_id": self.key_id,
            },
            option=orjson.OPT_SORT_KEYS,
        )

    @classmethod
    def from_json(cls, raw: bytes) -> Header:
        try:
            doc = orjson.loads(raw)
            if doc["format"] != FORMAT:
                raise BackupError(f"backup format {doc['format']} is not supported (this hub reads {FORMAT})")
            tables = tuple(TableInfo(t["name"], tuple(t["columns"]), int(t["rows"])) for t in doc["tables"])
            return cls(
                FORMAT, int(doc["created_us"]), str(doc["revision"]), str(doc["dialect"]), tables,
                bytes.fromhex(doc["salt"]), str(doc["key_id"]), bytes.fromhex(str(doc.get("provider_keys", ""))),
            )  # fmt: skip
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise BackupError("the backup header is malformed") from exc

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


def key_id(key: bytes) -> str:
    """A short public name of a backup key, so the wrong key is named as such, not as tampering."""
    return hmac.new(key, b"lionrock backup key id", hashlib.sha256).hexdigest()[:16]


def new_salt() -> bytes:
    return os.urandom(16)


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"lionrock backup v1").derive(key)
    return AESGCM(derived)


def _aad(header_hash: bytes, index: int, final: bool) -> bytes:
    return header_hash + struct.pack(">QB", index, 1 if final else 0)


class RowDigest:
    """An order-free digest of a table's rows: the sum of their SHA-256 values modulo 2**256.

    Order-free so that a restore into another database (another collation) compares equal; the
    chunks' GCM tags, not this sum, are what stop a forger."""

    def __init__(self) -> None:
        self.value = 0
        self.rows = 0

    def add(self, encoded_row: bytes) -> None:
        self.value = (self.value + int.from_bytes(hashlib.sha256(encoded_row).digest())) % (1 << 256)
        self.rows += 1

    def hex(self) -> str:
        return self.value.to_bytes(32).hex()


class Writer:
    """Streams rows table by table into sealed chunks; `finish` writes the final chunk of digests."""

    def __init__(self, out: IO[bytes], key: bytes, header: Header) -> None:
        raw = header.to_json()
        prefix = MAGIC + struct.pack(">I", len(raw)) + raw
        out.write(prefix)
        self._out = out
        self._hash = hashlib.sha256(prefix).digest()
        self._aead = _file_key(key, header.salt)
        self._index = 0
        self._table = ""
        self._lines: list[bytes] = []
        self._size = 0
        self.digests: dict[str, RowDigest] = {}
        self.bytes_written = len(prefix)

    def row(self, table: str, encoded: bytes) -> None:
        if table != self._table:
            self._flush()
            self._table = table
        self.digests.setdefault(table, RowDigest()).add(encoded)
        self._lines.append(encoded)
        self._size += len(encoded) + 1
        if self._size >= CHUNK_TARGET:
            self._flush()

    def finish(self) -> None:
        self._flush()
        trailer = orjson.dumps({"end": True, "digests": {str(t): d.hex() for t, d in self.digests.items()}})
        self._seal(trailer, final=True)

    def _flush(self) -> None:
        if self._lines:
            self._seal(b"\n".join([self._table.encode(), *self._lines]), final=False)
        self._lines, self._size = [], 0

    def _seal(self, plain: bytes, *, final: bool) -> None:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._aead.encrypt(nonce, zlib.compress(plain, 6), _aad(self._hash, self._index, final))
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self.bytes_written += 4 + len(sealed)
        self._index += 1


def read_header(src: IO[bytes]) -> tuple[Header, bytes]:
    """The header and the hash every chunk is bound to; checks the magic, format and sizes only."""
    if src.read(len(MAGIC)) != MAGIC:
        raise BackupError("not a lionrock backup file")
    size = _length(src, "header")
    if size > MAX_HEADER:
        raise BackupError("the backup header is implausibly large")
    raw = src.read(size)
    if len(raw) != size:
        raise BackupError("the backup file is truncated (in its header)")
    prefix = MAGIC + struct.pack(">I", size) + raw
    return Header.from_json(raw), hashlib.sha256(prefix).digest()


@dataclass(frozen=True)
class Chunk:
    table: str
    rows: list[list[Any]]


def chunks(src: IO[bytes], key: bytes, header: Header, header_hash: bytes) -> Iterator[Chunk | dict[str, str]]:
    """Decrypt chunk by chunk; yields row chunks, then the final digests once; raises on any fault."""
    if not hmac.compare_digest(key_id(key), header.key_id):
        raise BackupError(
            f"this backup was made with another backup key (key id {header.key_id}, yours is {key_id(key)}): "
            "point LIONROCK_BACKUP_KEY_FILE at the key file kept with the backup"
        )
    aead = _file_key(key, header.salt)
    index = 0
    while True:
        size = _length(src, f"chunk {index}")
        if size > MAX_CHUNK or size <= NONCE_BYTES:
            raise BackupError(f"the backup is corrupted: chunk {index} has an impossible length")
        sealed = src.read(size)
        if len(sealed) != size:
            raise BackupError(f"the backup file is truncated (inside chunk {index})")
        opened = _open(aead, sealed, header_hash, index)
        if opened is None:
            raise BackupError(f"the backup was altered or corrupted: chunk {index} fails its integrity check")
        plain, final = opened
        text = zlib.decompress(plain)
        if final:
            if src.read(1):
                raise BackupError("the backup has data after its final chunk")
            yield {str(t): str(d) for t, d in orjson.loads(text)["digests"].items()}
            return
        name, _, body = text.partition(b"\n")
        yield Chunk(name.decode(), [orjson.loads(line) for line in body.split(b"\n")])
        index += 1


def _open(aead: AESGCM, sealed: bytes, header_hash: bytes, index: int) -> tuple[bytes, bool] | None:
    """The plaintext and whether the writer marked it final (the flag is authenticated, not parsed)."""
    nonce, ct = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    for final in (False, True):
        try:
            return aead.decrypt(nonce, ct, _aad(header_hash, index, final)), final
        except InvalidTag:
            continue
    return None


def _length(src: IO[bytes], what: str) -> int:
    raw = src.read(4)
    if not raw:
        if what == "header":
            raise BackupError("the backup file is truncated (no header)")
        raise BackupError(f"the backup file is truncated: it ends before its final chunk ({what})")
    if len(raw) != 4:
        raise BackupError(f"the backup file is truncated (in the length of {what})")
    return int(struct.unpack(">I", raw)[0])
