"""Tokens that authenticated a moment ago, so a busy integration's every request does not read the
token, organisation and group tables again (the pre-payment check must answer in milliseconds).

An entry is the Principal a token stood for, kept at most `settings.token_cache_seconds` and never
past the token's own expiry. Every change this process makes to tokens or group membership
(hub.members) clears the cache, and an authentication that read the tables before such a change
does not store what it read, so a revocation through this hub takes effect on the next request. A
change made by another process on the same database (another server process, `lionrock demo load`
re-issuing tokens) takes effect within `token_cache_seconds`. Failed logins are never cached.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from lionrock.access.model import Principal

MAX_ENTRIES = 10_000


@dataclass
class TokenCache:
    _entries: dict[str, tuple[Principal, int, int]] = field(default_factory=dict)
    """secret hash -> (principal, cached at, valid until), all times in microseconds."""
    _generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def generation(self) -> int:
        """Read before the tables are; `put` stores nothing if the members changed since."""
        return self._generation

    def get(self, digest: str, now: int) -> Principal | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        who, since, until = entry
        if since <= now < until:
            return who
        with self._lock:
            if self._entries.get(digest) is entry:
                del self._entries[digest]
        return None

    def put(self, digest: str, who: Principal, now: int, until: int, generation: int) -> None:
        with self._lock:
            if generation != self._generation or until <= now:
                return
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = (who, now, until)

    def clear(self) -> None:
        """Forget every entry: a token, an organisation's groups or a role changed."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
