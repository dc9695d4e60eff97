"""The private pre-payment check, client side: the hub never sees the value, its id or its tag.

The value is normalised here (so two spellings give one answer, as in the plain check), its STIX
id is blinded, the hub evaluates the blinded element, and the client unblinds it into the tag.
It then fetches the bucket of identifiers under the tag's first 16 bits and looks for the tag
among them locally. What crosses the wire: one random-looking group element and four hex digits.
"""

from __future__ import annotations

import base64
import hmac
from typing import Any

from lionrock.cli.client import HubClient, HubError
from lionrock.fraud import oprf
from lionrock.fraud.identifiers import normalise
from lionrock.fraud.private import oprf_input, prefix_hex

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
    ident = normalise(kind, value)
    data = oprf_input(ident.id)
    blind, blinded = oprf.blind(data)
    answer = client.post_json(
        "/api/v1/fraud/private/evaluate", {"blinded": [base64.b64encode(blinded).decode("ascii")]}
    )
    evaluated = answer.get("evaluated") if isinstance(answer, dict) else None
    if not isinstance(evaluated, list) or len(evaluated) != 1:
        raise HubError("the hub's evaluate answer is malformed")
    tag = oprf.finalize(data, blind, _element(evaluated[0]))
    bucket = client.get_json("/api/v1/fraud/private/bucket", {"prefix": prefix_hex(tag)})
    entries = bucket.get("entries") if isinstance(bucket, dict) else None
    if not isinstance(entries, list):
        raise HubError("the hub's bucket answer is malformed")
    found: dict[str, Any] = dict(NO_RECORD)
    for entry in entries:
        if isinstance(entry, dict) and hmac.compare_digest(_element(entry.get("tag")), tag):
            found = {k: entry.get(k) for k in ANSWER_FIELDS}
            break
    return {"type": ident.kind.value, "value": ident.value, "id": ident.id, **found}
