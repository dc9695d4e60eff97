"""Signed checkpoints: the audit log's head (seq, MAC, time) signed with the hub's Ed25519 key.

An operator keeps checkpoints away from the hub. Later, `verify --anchor` proves the anchored entry
is still there with the same MAC and that the chain continues from it, which the MAC chain alone
cannot show when the newest entries were deleted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lionrock.errors import BadRequest
from lionrock.stix.ids import us_to_timestamp
from lionrock.store.audit import Link

FORMAT = "lionrock-audit-checkpoint/1"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    mac: str
    entry_at: str
    signed_at: str
    key_id: str
    signature: str

    def payload(self) -> bytes:
        """The signed bytes: every field but the signature, canonical JSON."""
        body = {
            "format": FORMAT,
            "seq": self.seq,
            "mac": self.mac,
            "entry_at": self.entry_at,
            "signed_at": self.signed_at,
            "key_id": self.key_id,
        }
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)

    def to_json(self) -> bytes:
        document = {**orjson.loads(self.payload()), "signature": self.signature}
        return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(head: Link | None, now_us: int, key: Ed25519PrivateKey) -> Checkpoint:
    """A checkpoint of `head` (None: the empty log, anchored at seq 0)."""
    seq, mac, at = (head.seq, head.mac, head.at) if head else (0, "0" * 64, now_us)
    unsigned = Checkpoint(seq, mac, us_to_timestamp(at), us_to_timestamp(now_us), key_id(key.public_key()), "")
    signature = base64.b64encode(key.sign(unsigned.payload())).decode()
    return Checkpoint(seq, mac, unsigned.entry_at, unsigned.signed_at, unsigned.key_id, signature)


def parse(document: bytes) -> Checkpoint:
    try:
        data: Any = orjson.loads(document)
    except orjson.JSONDecodeError as exc:
        raise BadRequest("the anchor file is not a lionrock audit checkpoint (not JSON)") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadRequest(f"the anchor file is not a lionrock audit checkpoint (format {FORMAT!r} expected)")
    fields = {"seq": int, "mac": str, "entry_at": str, "signed_at": str, "key_id": str, "signature": str}
    for name, kind in fields.items():
        if not isinstance(data.get(name), kind) or isinstance(data.get(name), bool):
            raise BadRequest(f"the anchor file's {name!r} is missing or not a {kind.__name__}")
    return Checkpoint(**{name: data[name] for name in fields})


def signature_problem(checkpoint: Checkpoint, public: Ed25519PublicKey) -> str | None:
    """Why the checkpoint is not the hub's own, untouched; None when its signature checks."""
    if checkpoint.key_id != key_id(public):
        return (
            f"the checkpoint was signed by key {checkpoint.key_id}, not by this hub's checkpoint key "
            f"{key_id(public)} (forged, or from another hub)"
        )
    try:
        public.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.payload())
    except (InvalidSignature, binascii.Error, ValueError):
        return "the checkpoint's signature does not verify (the checkpoint was altered or forged)"
    return None
