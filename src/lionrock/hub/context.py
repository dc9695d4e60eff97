"""The hub's context: settings, engine and clock, handed to every use case."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine

import lionrock.fraud.extension  # noqa: F401  (registers the fraud SCO types' id rules with stix.sco_ids)
from lionrock.hub.object_key_cache import ObjectKeys
from lionrock.hub.token_cache import TokenCache
from lionrock.settings import Settings
from lionrock.store.engine import make_engine
from lionrock.store.migrate import upgrade

if TYPE_CHECKING:
    from lionrock.hub.intake_pool import IntakePool


def now_us() -> int:
    return time.time_ns() // 1000


@dataclass
class Hub:
    settings: Settings
    engine: Engine
    clock: Callable[[], int] = field(default=now_us)
    intake_pool: IntakePool | None = field(default=None, repr=False, compare=False)
    """Report intake's worker processes, started on first use (lionrock.hub.intake)."""
    tokens: TokenCache = field(default_factory=TokenCache, repr=False, compare=False)
    """Tokens that authenticated a moment ago (hub.members.authenticate; hub/token_cache.py)."""
    key_usage: Counter[int] = field(default_factory=Counter, repr=False, compare=False)
    """Unwraps not yet added to keys.usage_count (hub.keyring: flushed with the next key write)."""
    object_keys: ObjectKeys = field(default_factory=ObjectKeys, repr=False, compare=False)
    """Data keys of sealed objects unwrapped in this process (hub/object_seal.py)."""

    @property
    def reads_are_local(self) -> bool:
        """SQLite: a short indexed read is a local file read of a fraction of a millisecond, cheaper
        run on the event loop than handed to the thread pool (a hop costs about as much again, and a
        thread waiting for the GIL adds milliseconds to the tail). PostgreSQL reads wait on the
        network and belong in the pool."""
        return self.engine.dialect.name == "sqlite"

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Hub:
        engine = make_engine(settings.database_url)
        if migrate:
            upgrade(engine)
        return cls(settings, engine)

    def close(self) -> None:
        if self.intake_pool is not None:
            self.intake_pool.close()
        self.engine.dispose()
