"""One way for commands to fail: a clear line on stderr and an exit status, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from rich.console import Console

from lionrock.errors import LionrockError

F = TypeVar("F", bound=Callable[..., Any])
_err = Console(stderr=True, soft_wrap=True)


def failing_with(status: int) -> Callable[[F], F]:
    """Turn the hub's errors into one clear line (and the problems they list) and exit `status`."""

    def decorate(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except LionrockError as exc:
                _err.print(f"[red]error:[/red] {exc.message}")
                for p in getattr(exc, "problems", []):
                    _err.print(f"  object {p.index} {p.id or ''}: {p.message}")
                sys.exit(status)

        return wrapper  # type: ignore[return-value]

    return decorate


friendly = failing_with(1)
