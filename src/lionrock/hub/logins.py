"""Failed logins: why one failed (for the edge's counter) and their summaries in the audit log.

A failed login writes nothing by itself; the HTTP edge counts failures per client (access/throttle)
and hands over one summary per client per window, so a flood of bad tokens costs no writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from lionrock.access.throttle import FailureSummary
from lionrock.errors import Unauthorized
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.stix.ids import us_to_timestamp
from lionrock.store.engine import write_transaction

UNKNOWN = "unknown"
REVOKED_OR_EXPIRED = "revoked or expired"
MALFORMED = "malformed credentials"


class LoginFailed(Unauthorized):
    """A token that does not authenticate. The message is the same for every reason (no oracle);
    `reason` and `token_id` are for the failure summary only."""

    def __init__(self, reason: str, token_id: int | None = None) -> None:
        super().__init__("the token is unknown, expired or revoked")
        self.reason = reason
        self.token_id = token_id


def record_failed_logins(hub: Hub, summaries: Sequence[FailureSummary]) -> None:
    """One `login.failed` entry per client and window, in one transaction."""
    if not summaries:
        return
    with write_transaction(hub.engine) as conn:
        for s in summaries:
            detail: dict[str, object] = {
                "failures": s.failures,
                "refused": s.refused,
                "first": us_to_timestamp(s.first),
                "last": us_to_timestamp(s.last),
                "reasons": dict(s.reasons),
                "tokens": list(s.tokens),
            }
            if s.locked_until is not None:
                detail["locked_until"] = us_to_timestamp(s.locked_until)
            record(conn, hub, None, "login.failed", subject=s.client, detail=detail)
