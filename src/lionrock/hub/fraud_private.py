"""The private pre-payment check (issue 10): the hub answers without learning the value checked.

Two use cases, both open to any member as the plain check is:

`evaluate`: the OPRF step. The member sends blinded elements; the hub multiplies each by its key.
It learns nothing of the inputs (they are uniformly random group elements to it), so what it must
bound is how many it evaluates: each evaluation lets a member test one guess, so evaluations are
counted per organisation per clock hour (`fraud_private_evaluations_per_hour`; 429 beyond) and
every request is audited with its counts only, never an element.

`bucket`: every indexed identifier under a PREFIX_BITS-bit prefix of its tag, with its tag and the
answer the plain check would give, minus the type, value and id (the client knows those). The
member compares tags locally; the hub learns only the prefix, shared by about 1/65,536 of all
possible identifiers.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from lionrock.access.model import Principal
from lionrock.errors import Invalid, LionrockError, Problem, RateLimited, TooLarge
from lionrock.fraud import oprf
from lionrock.fraud.identifiers import Kind
from lionrock.fraud.private import MAX_ELEMENTS
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.hub.fraud import answer_of, assessments
from lionrock.hub.fraud_index import prf_key
from lionrock.store import fraud_private as store
from lionrock.store.engine import read_transaction, write_transaction

WINDOW_US = 3600 * 1_000_000
MAX_BUCKET = 5000
"""Identifiers one bucket may hold (at 16 bits, about 330 million indexed); past it the hub refuses
rather than answer with part of a bucket, which could turn a known identifier into 'no record'."""


class BucketOverfull(LionrockError):
    """The index outgrew the prefix length; an operator must lengthen it (docs/fraud-private-check.md)."""

    status = 500


def evaluate(hub: Hub, who: Principal, blinded: Sequence[bytes]) -> list[bytes]:
    """The key times each blinded element, in order; Invalid naming each element that is not a valid
    ristretto255 element (nothing counted), RateLimited when the organisation's hour is used up."""
    if not blinded:
        raise Invalid("send at least one blinded element")
    if len(blinded) > MAX_ELEMENTS:
        raise TooLarge(f"at most {MAX_ELEMENTS} blinded elements at once, not {len(blinded)}")
    problems: list[Problem] = []
    for i, element in enumerate(blinded):
        try:
            oprf.decode_element(element)
        except Invalid as exc:
            problems.append(Problem(i, None, exc.message))
    if problems:
        raise Invalid(f"{len(problems)} of {len(blinded)} element(s) are not valid ristretto255 elements", problems)
    now = hub.clock()
    window = now - now % WINDOW_US
    limit = hub.settings.fraud_private_evaluations_per_hour
    with write_transaction(hub.engine) as conn:
        key = prf_key(conn, hub.settings)
        used = store.evaluations(conn, who.org_id, window)
        allowed = used + len(blinded) <= limit
        if allowed:
            store.count_evaluations(conn, who.org_id, window, len(blinded))
        after = used + len(blinded) if allowed else used
        counts: dict[str, object] = {"elements": len(blinded), "refused": not allowed, "used_this_hour": after}
        record(conn, hub, who, "fraud.private.evaluate", detail=counts)
    if not allowed:
        wait = max(1, -(-(window + WINDOW_US - now) // 1_000_000))
        raise RateLimited(
            f"your organisation has used {used} of its {limit} private checks this hour; "
            f"{len(blinded)} more would exceed it",
            wait,
        )
    return [oprf.blind_evaluate(key, element) for element in blinded]


def _dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, UTC)


def bucket(hub: Hub, who: Principal, prefix: int) -> list[dict[str, Any]]:
    """Every identifier under `prefix`: its tag (base64) and the plain check's answer without the
    type, value and id. Any member may ask (`who` is authenticated by the edge)."""
    with read_transaction(hub.engine) as conn:
        entries = store.bucket(conn, prefix, MAX_BUCKET)
        if entries is None:
            raise BucketOverfull(f"bucket {prefix:04x} holds more than {MAX_BUCKET} identifiers")
        found = assessments(conn, {e.identifier_id: Kind(e.kind) for e in entries}, _dt(hub.clock()))
    return [{"tag": base64.b64encode(e.tag).decode("ascii"), **answer_of(found[e.identifier_id])} for e in entries]
