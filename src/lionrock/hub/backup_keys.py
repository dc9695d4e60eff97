"""Where the backup key comes from: one small function, so a KeyProvider can take its place later.

The key is a file outside the database (0600, 32 random bytes in hex), never inside a backup: whoever
holds a backup file alone learns nothing, and the operator keeps the key file, like the audit keys,
somewhere else.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from lionrock.crypto.files import create_secret_file
from lionrock.hub.audit_keys import MAC_SUFFIX, KeyFileError, key_paths
from lionrock.hub.backup_format import KEY_BYTES
from lionrock.settings import Settings

KEY_SUFFIX = ".backup-key"


def key_path(settings: Settings) -> Path:
    """The backup_key_file setting, else beside the audit MAC key with its own suffix."""
    if settings.backup_key_file:
        return Path(settings.backup_key_file).expanduser()
    mac = key_paths(settings).mac
    return mac.with_name(mac.name.removesuffix(MAC_SUFFIX) + KEY_SUFFIX)


def backup_key(settings: Settings, *, create: bool) -> bytes:
    """The backup key; `create` (a backup) makes the file on first use, a restore never does."""
    path = key_path(settings)
    if create and not path.exists():
        create_secret_file(path, secrets.token_bytes(KEY_BYTES).hex().encode() + b"\n")
    try:
        text = path.read_text("ascii", "replace").strip()
    except FileNotFoundError:
        raise KeyFileError(
            f"the backup key file {path} does not exist: restore it from where you keep it, "
            "or point LIONROCK_BACKUP_KEY_FILE at it"
        ) from None
    except OSError as exc:
        raise KeyFileError(f"cannot read the backup key file {path}: {exc.strerror}") from exc
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"the backup key file {path} is malformed (expected {KEY_BYTES} bytes in hex)")
    return key
