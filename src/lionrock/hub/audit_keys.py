"""The audit keys live in files outside the database, so database access alone cannot forge the log.

Two files: the MAC key (32 random bytes, hex) that chains entries, and beside it the Ed25519 key
(PKCS#8 PEM) that signs checkpoints. Both are created once, mode 0600, and never printed; the
operator backs them up (losing the MAC key makes the log unverifiable, not unreadable).
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import make_url

from lionrock.crypto.files import create_secret_file
from lionrock.errors import LionrockError
from lionrock.settings import Settings

MAC_KEY_BYTES = 32
MAC_SUFFIX = ".audit-key"
SIGNING_SUFFIX = ".ed25519"


class KeyFileError(LionrockError):
    """An audit key file is missing or unusable; the message names the file, never its content."""

    status = 500


@dataclass(frozen=True)
class KeyPaths:
    mac: Path
    signing: Path


def key_paths(settings: Settings) -> KeyPaths:
    """Where the keys are: the audit_key_file setting, else beside the SQLite file, else ~/.config/lionrock."""
    mac = Path(settings.audit_key_file).expanduser() if settings.audit_key_file else _default_mac(settings)
    return KeyPaths(mac, mac.with_name(mac.name + SIGNING_SUFFIX))


def _default_mac(settings: Settings) -> Path:
    url = make_url(settings.database_url)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        return Path(database + MAC_SUFFIX)
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "lionrock"
    name = "-".join(str(part) for part in (url.host or "local", url.port or "default", database or "memory"))
    return config / (re.sub(r"[^A-Za-z0-9._-]", "_", name) + MAC_SUFFIX)


def read_mac_key(path: Path) -> bytes:
    text = _read(path, "audit MAC key").decode("ascii", "replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != MAC_KEY_BYTES:
        raise KeyFileError(f"the audit key file {path} is malformed (expected {MAC_KEY_BYTES} bytes in hex)")
    return key


def read_signing_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path, "checkpoint signing key"), password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"the checkpoint signing key file {path} is malformed") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"the checkpoint signing key file {path} does not hold an Ed25519 key")
    return key


def create_missing(paths: KeyPaths) -> None:
    """Create whichever key file does not exist yet (0600); a file that exists is never replaced."""
    if not paths.mac.exists():
        create_secret_file(paths.mac, secrets.token_bytes(MAC_KEY_BYTES).hex().encode() + b"\n")
    if not paths.signing.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        create_secret_file(paths.signing, pem)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise KeyFileError(
            f"the {what} file {path} does not exist: restore it from your backup, "
            "or point LIONROCK_AUDIT_KEY_FILE at it"
        ) from exc
    except OSError as exc:
        raise KeyFileError(f"cannot read the {what} file {path}: {exc.strerror}") from exc
