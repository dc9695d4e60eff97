"""The KeyProvider port: whatever holds the key-encryption keys (KEKs) wraps and unwraps data keys.

A KEK never leaves its provider through this port; the hub keeps only the KEK's id (`kek_id`, the
provider's reference) and the wrapped data keys."""

from __future__ import annotations

from typing import Protocol


class KeyProviderError(Exception):
    """The provider cannot do what was asked; the message names the key, never key material."""


class KeyGone(KeyProviderError):
    """The KEK does not exist (destroyed, or never created here): what it wrapped is unreadable."""


class KeyProvider(Protocol):
    name: str
    """Stored in the keys table with each KEK (local, pkcs11)."""

    def create_kek(self, purpose: str) -> str:
        """Create a new KEK; returns its reference (unique within this provider)."""
        ...

    def import_kek(self, purpose: str, material: bytes) -> str:
        """Hold 256-bit key material an organisation generated as a new KEK; returns its reference."""
        ...

    def wrap(self, kek_id: str, dek: bytes) -> bytes:
        """The data key wrapped (encrypted, authenticated) under the KEK."""
        ...

    def unwrap(self, kek_id: str, wrapped: bytes) -> bytes:
        """The data key; KeyGone if the KEK is gone, KeyProviderError if `wrapped` does not authenticate."""
        ...

    def destroy(self, kek_id: str) -> None:
        """Delete the KEK for good (crypto-shredding everything it wrapped). Idempotent."""
        ...
