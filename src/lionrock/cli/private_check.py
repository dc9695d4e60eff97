"""The private pre-payment check, client side: the hub never sees the value, its id or its tag.

The value is normalised here (so two spellings give one answer, as in the plain check), its STIX
id is blinded, the hub evaluates the blinded element, and the client unblinds it into the tag.
It then fetches the bucket of identifiers under the tag's first 16 bits and looks for the tag
among them locally. What crosses the wire: one random-looking group element and four hex digits.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Sequence
from typing import Any

from lionrock.cli.client import HubClient, HubError
from lionrock.fraud import oprf
from lionrock.fraud.identifiers import normalise
from lionrock.fraud.private import MAX_ELEMENTS, oprf_input, prefix_hex

ANSWER_FIELDS = ("risk", "organisations", "latest_report", "scam_types", "dispute")
NO_RECORD: dict[str, Any] = {
    "risk": "no record",
    "organisations": 0,
    "latest_report": None,
    "scam_types": [],
    "dispute": "none",
}


def _element(text: Any) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError as exc:
        raise HubError("the hub answered an element that is not base64") from exc


def private_check(client: HubClient, kind: str, value: str) -> dict[str, Any]:
    """What the hub knows of one identifier, in the plain check's shape; Invalid (before anything is
    sent) when the value is not an identifier of its kind."""
    return private_check_many(client, [(kind, value)])[0]


def private_check_many(client: HubClient, items: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The private check of many identifiers, answers in order: blinded elements go to the hub
    MAX_ELEMENTS at a time (each counts against the organisation's hourly allowance) and each distinct
    bucket is fetched once. Every value is normalised before anything is sent."""
    idents = [normalise(kind, value) for kind, value in items]
    inputs = [oprf_input(ident.id) for ident in idents]
    tags: list[bytes] = []
    for start in range(0, len(inputs), MAX_ELEMENTS):
        chunk = inputs[start : start + MAX_ELEMENTS]
        blinds = [oprf.blind(data) for data in chunk]
        body = {"blinded": [base64.b64encode(blinded).decode("ascii") for _, blinded in blinds]}
        answer = client.post_json("/api/v1/fraud/private/evaluate", body)
        evaluated = answer.get("evaluated") if isinstance(answer, dict) else None
        if not isinstance(evaluated, list) or len(evaluated) != len(chunk):
            raise HubError("the hub's evaluate answer is malformed")
        tags.extend(
            oprf.finalize(data, blind, _element(element))
            for data, (blind, _), element in zip(chunk, blinds, evaluated, strict=True)
        )
    buckets: dict[str, list[Any]] = {}
    out = []
    for ident, tag in zip(idents, tags, strict=True):
        prefix = prefix_hex(tag)
        if prefix not in buckets:
            bucket = client.get_json("/api/v1/fraud/private/bucket", {"prefix": prefix})
            entries = bucket.get("entries") if isinstance(bucket, dict) else None
            if not isinstance(entries, list):
                raise HubError("the hub's bucket answer is malformed")
            buckets[prefix] = entries
        found: dict[str, Any] = dict(NO_RECORD)
        for entry in buckets[prefix]:
            if isinstance(entry, dict) and hmac.compare_digest(_element(entry.get("tag")), tag):
                found = {k: entry.get(k) for k in ANSWER_FIELDS}
                break
        out.append({"type": ident.kind.value, "value": ident.value, "id": ident.id, **found})
    return out
