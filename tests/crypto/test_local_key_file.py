"""LocalKeyFile: KEKs in a 0600 file that survives restarts; a wrong or destroyed KEK opens nothing."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from lionrock.crypto.envelope import new_data_key
from lionrock.crypto.local import LocalKeyFile
from lionrock.crypto.provider import KeyGone, KeyProviderError


def test_the_file_is_created_0600_on_first_use_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "hub.keys"
    assert not path.exists()
    provider = LocalKeyFile(path)
    kek = provider.create_kek("intake")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    dek = new_data_key()
    wrapped = provider.wrap(kek, dek)
    assert dek not in wrapped and len(wrapped) == 40
    assert LocalKeyFile(path).unwrap(kek, wrapped) == dek  # a new process reads the same file
    provider.create_kek("intake")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # rewritten, still 0600


def test_the_wrong_kek_does_not_unwrap(tmp_path: Path) -> None:
    provider = LocalKeyFile(tmp_path / "hub.keys")
    one, two = provider.create_kek("intake"), provider.create_kek("intake")
    wrapped = provider.wrap(one, new_data_key())
    with pytest.raises(KeyProviderError, match="does not unwrap"):
        provider.unwrap(two, wrapped)
    tampered = bytearray(wrapped)
    tampered[5] ^= 1
    with pytest.raises(KeyProviderError):
        provider.unwrap(one, bytes(tampered))


def test_a_destroyed_kek_is_gone_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "hub.keys"
    provider = LocalKeyFile(path)
    kek, other = provider.create_kek("intake"), provider.create_kek("intake")
    wrapped, kept = provider.wrap(kek, new_data_key()), provider.wrap(other, b"k" * 32)
    provider.destroy(kek)
    provider.destroy(kek)  # idempotent
    assert kek not in path.read_text()
    with pytest.raises(KeyGone):
        provider.unwrap(kek, wrapped)
    with pytest.raises(KeyGone):
        LocalKeyFile(tmp_path / "elsewhere.keys").unwrap(other, kept)  # the wrong key file
    assert provider.unwrap(other, kept) == b"k" * 32


def test_a_malformed_file_is_an_error_not_an_empty_key_set(tmp_path: Path) -> None:
    path = tmp_path / "hub.keys"
    path.write_text("local-zz not-hex\n")
    with pytest.raises(KeyProviderError, match="malformed at line 1"):
        LocalKeyFile(path).create_kek("intake")


def test_concurrent_creators_keep_every_key(tmp_path: Path) -> None:
    path = tmp_path / "hub.keys"
    made: list[str] = []
    lock = threading.Lock()

    def create() -> None:
        kek = LocalKeyFile(path).create_kek("intake")  # separate instances: as separate processes would
        with lock:
            made.append(kek)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    provider = LocalKeyFile(path)
    assert len(set(made)) == 8
    for kek in made:
        assert provider.unwrap(kek, provider.wrap(kek, b"d" * 32)) == b"d" * 32
