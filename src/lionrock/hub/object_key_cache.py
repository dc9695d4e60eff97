"""Per-process caches of object sealing (hub/object_seal.py): unwrapped data keys stay in memory only,
bounded, never logged, and are dropped when a key is rotated, retired or destroyed in this process (and
never used for a data key whose KEK another process destroyed: each read checks the KEK's state)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAX_OPENED = 256


@dataclass
class Writing:
    """The data key new versions of one (producer, TLP band) are sealed under, until it has sealed enough."""

    data_key_id: int
    kek_id: int
    wrapped: bytes
    key: bytes = field(repr=False)  # never printed
    cipher: AESGCM = field(repr=False)
    used: int = 0


@dataclass
class ObjectKeys:
    lock: threading.Lock = field(default_factory=threading.Lock)
    writing: dict[tuple[int, bool], Writing] = field(default_factory=dict)
    opened: OrderedDict[tuple[int, bytes], AESGCM] = field(default_factory=OrderedDict)
    blind: tuple[tuple[int, bytes], bytes] | None = None

    def __repr__(self) -> str:  # never print a key
        return f"ObjectKeys({len(self.opened)} opened)"

    def get(self, data_key_id: int, wrapped: bytes) -> AESGCM | None:
        with self.lock:
            found = self.opened.get((data_key_id, wrapped))
            if found is not None:
                self.opened.move_to_end((data_key_id, wrapped))
            return found

    def put(self, data_key_id: int, wrapped: bytes, key: AESGCM) -> None:
        with self.lock:
            self.opened[(data_key_id, wrapped)] = key
            while len(self.opened) > MAX_OPENED:
                self.opened.popitem(last=False)

    def forget(self) -> None:
        """Drop every key held (a key was rotated, retired or destroyed)."""
        with self.lock:
            self.writing.clear()
            self.opened.clear()
            self.blind = None
