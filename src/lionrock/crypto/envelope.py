"""AES-256-GCM envelopes: a small versioned header, then the ciphertext and its 16-byte tag.

Header (23 bytes): b"LRE" magic, format version (1 byte), data key id (8 bytes, big-endian), 96-bit random
nonce. The header is authenticated with the caller's AAD, which names what the ciphertext is (for
example b"intake-result|<job id>|1"): a ciphertext copied into another row, or given another key id or
version, fails to decrypt instead of being read as that row's data."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"LRE"
VERSION = 1
NONCE_BYTES = 12
DATA_KEY_BYTES = 32
_HEADER = struct.Struct(">3sBQ12s")
HEADER_BYTES = _HEADER.size
TAG_BYTES = 16


class EnvelopeError(ValueError):
    """The envelope is malformed, was tampered with, belongs elsewhere (AAD), or the key is wrong."""


@dataclass(frozen=True)
class Header:
    version: int
    key_id: int
    nonce: bytes


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return os.urandom(DATA_KEY_BYTES)


def encrypt(plaintext: bytes, data_key: bytes, aad: bytes, key_id: int) -> bytes:
    """Seal `plaintext` under `data_key`, bound to `aad`; `key_id` names the data key in the header."""
    if len(data_key) != DATA_KEY_BYTES:
        raise EnvelopeError("a data key is 32 bytes")
    header = _HEADER.pack(MAGIC, VERSION, key_id, os.urandom(NONCE_BYTES))
    return header + AESGCM(data_key).encrypt(header[-NONCE_BYTES:], plaintext, header + aad)


def header(envelope: bytes) -> Header:
    """The envelope's header, checked for shape only (authenticity is checked by `decrypt`)."""
    if len(envelope) < HEADER_BYTES + TAG_BYTES:
        raise EnvelopeError("the envelope is too short")
    magic, version, key_id, nonce = _HEADER.unpack_from(envelope)
    if magic != MAGIC:
        raise EnvelopeError("not a lionrock envelope")
    if version != VERSION:
        raise EnvelopeError(f"unknown envelope format version {version}")
    return Header(version, key_id, nonce)


def decrypt(envelope: bytes, data_key: bytes, aad: bytes) -> bytes:
    """The plaintext, or EnvelopeError when anything (header, nonce, ciphertext, tag, AAD, key) is off."""
    found = header(envelope)
    if len(data_key) != DATA_KEY_BYTES:
        raise EnvelopeError("a data key is 32 bytes")
    head = envelope[:HEADER_BYTES]
    try:
        return AESGCM(data_key).decrypt(found.nonce, envelope[HEADER_BYTES:], head + aad)
    except InvalidTag as exc:
        raise EnvelopeError("the envelope does not authenticate (tampered, misplaced, or the wrong key)") from exc


def cipher(data_key: bytes) -> AESGCM:
    """A prepared AES-GCM cipher of a data key, for sealing or opening many envelopes under it."""
    if len(data_key) != DATA_KEY_BYTES:
        raise EnvelopeError("a data key is 32 bytes")
    return AESGCM(data_key)


def encrypt_with(plaintext: bytes, aead: AESGCM, aad: bytes, key_id: int) -> bytes:
    """`encrypt` with a prepared cipher (the same envelope)."""
    head = _HEADER.pack(MAGIC, VERSION, key_id, os.urandom(NONCE_BYTES))
    return head + aead.encrypt(head[-NONCE_BYTES:], plaintext, head + aad)


def decrypt_with(envelope: bytes, aead: AESGCM, aad: bytes, key_id: int) -> bytes:
    """`decrypt` with a prepared cipher; the header must also name `key_id` (the row's data key)."""
    found = header(envelope)
    if found.key_id != key_id:
        raise EnvelopeError("the envelope names another data key than its row")
    try:
        return aead.decrypt(found.nonce, envelope[HEADER_BYTES:], envelope[:HEADER_BYTES] + aad)
    except InvalidTag as exc:
        raise EnvelopeError("the envelope does not authenticate (tampered, misplaced, or the wrong key)") from exc
