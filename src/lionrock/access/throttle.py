"""Failed-login throttling, as plain bookkeeping: time is passed in and nothing is written.

Each client (an IP address; an IPv6 /64, since one host owns a whole /64) has fixed windows
opened by its first failure. Reaching the limit within a window locks the client out for a while
(the edge answers 429 with Retry-After, without touching the database). Tokens that recently
authenticated still pass a locked-out address, so one broken script does not lock out every other
integration behind the same NAT; a guesser never holds such a token. When a window closes, it
becomes one summary for the audit log; successful logins are not counted at all.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

_SECOND_US = 1_000_000
MAX_TOKEN_HINTS = 5
_SALT = secrets.token_bytes(16)


@dataclass(frozen=True)
class ThrottleRules:
    limit: int
    """Failures within one window that lock the client out."""
    window_us: int
    lockout_us: int
    max_clients: int = 10_000
    """Clients tracked at once; beyond it the oldest window is closed early (summarised, not lost).
    Also how many recently good tokens are remembered."""


@dataclass(frozen=True)
class FailureSummary:
    """One client's failures in one window: what the audit log records instead of one row each."""

    client: str
    first: int
    last: int
    failures: int
    refused: int
    """Requests answered 429 while the client was locked out."""
    reasons: tuple[tuple[str, int], ...]
    tokens: tuple[str, ...]
    """Up to MAX_TOKEN_HINTS non-secret hints at which tokens were tried (id or public prefix)."""
    locked_until: int | None


@dataclass
class _Window:
    start: int
    """The window opens at its client's first failure or refusal."""
    last: int = 0
    failures: int = 0
    refused: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    tokens: list[str] = field(default_factory=list)

    def summary(self, client: str, locked_until: int | None) -> FailureSummary:
        reasons = tuple(sorted(self.reasons.items()))
        return FailureSummary(
            client, self.start, self.last, self.failures, self.refused, reasons, tuple(self.tokens), locked_until
        )


def client_key(host: str | None) -> str:
    """Whom to count: the IP address, IPv6 narrowed to its /64; anything else as given."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def fingerprint(secret: str) -> bytes:
    """How the throttle remembers a token that worked: a salted digest, never the secret."""
    return hashlib.blake2b(secret.encode(), digest_size=16, key=_SALT).digest()


def token_hint(secret: str, token_id: int | None) -> str | None:
    """A non-secret clue to which token failed: its id if the hub knows it, else the public prefix of
    something shaped like a lionrock token (the same 10 characters the token list shows)."""
    if token_id is not None:
        return f"token {token_id}"
    return secret[:10] if secret.startswith("lr_") else None


class FailedLogins:
    """Per-client failure windows and lockouts. Thread-safe: the edge calls it from worker threads."""

    def __init__(self, rules: ThrottleRules) -> None:
        self._rules = rules
        self._windows: OrderedDict[str, _Window] = OrderedDict()  # by window start, so by window end
        self._locked: dict[str, int] = {}
        self._closed: list[FailureSummary] = []
        self._good: OrderedDict[bytes, None] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, client: str, now: int, credential: bytes | None = None) -> int | None:
        """Seconds a locked-out client must wait (the request is counted as refused); None: go ahead,
        as does a credential (fingerprint) that authenticated recently."""
        with self._lock:
            until = self._locked.get(client)
            if until is None or (credential is not None and credential in self._good):
                return None
            if until <= now:
                del self._locked[client]
                return None
            window = self._window(client, now)
            window.refused += 1
            window.last = now
            return max(1, -(-(until - now) // _SECOND_US))

    def succeeded(self, credential: bytes) -> None:
        """Remember a credential that authenticated (bounded: the least recently used is forgotten)."""
        with self._lock:
            self._good[credential] = None
            self._good.move_to_end(credential)
            if len(self._good) > self._rules.max_clients:
                self._good.popitem(last=False)

    def failed(
        self, client: str, now: int, reason: str, hint: str | None = None, credential: bytes | None = None
    ) -> int | None:
        """Count one failure; the seconds of lockout it triggered, or None while under the limit."""
        with self._lock:
            if credential is not None:
                self._good.pop(credential, None)  # revoked or expired since it last worked
            window = self._window(client, now)
            window.failures += 1
            window.last = now
            window.reasons[reason] += 1
            if hint and hint not in window.tokens and len(window.tokens) < MAX_TOKEN_HINTS:
                window.tokens.append(hint)
            if window.failures < max(1, self._rules.limit):
                return None
            self._locked[client] = now + self._rules.lockout_us
            return max(1, -(-self._rules.lockout_us // _SECOND_US))

    def due(self, now: int) -> list[FailureSummary]:
        """Summaries of the windows closed by `now` (each handed out once); cheap when there are none."""
        with self._lock:
            closed, self._closed = self._closed, []
            while self._windows:
                client, window = next(iter(self._windows.items()))
                if window.start + self._rules.window_us > now:
                    break
                del self._windows[client]
                closed.append(window.summary(client, self._still_locked(client, now)))
            return closed

    def _window(self, client: str, now: int) -> _Window:
        window = self._windows.get(client)
        if window is not None and window.start + self._rules.window_us > now:
            return window
        if window is not None:
            del self._windows[client]
            self._closed.append(window.summary(client, self._still_locked(client, now)))
        while len(self._windows) >= self._rules.max_clients:
            oldest, early = self._windows.popitem(last=False)
            self._closed.append(early.summary(oldest, self._still_locked(oldest, now)))
        if len(self._locked) >= self._rules.max_clients:
            self._locked = {c: t for c, t in self._locked.items() if t > now}
        window = self._windows[client] = _Window(start=now)
        return window

    def _still_locked(self, client: str, now: int) -> int | None:
        until = self._locked.get(client)
        return until if until is not None and until > now else None
