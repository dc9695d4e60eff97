"""One error tree for the whole hub; each edge maps it to its own wire format once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class LionrockError(Exception):
    """Base of every error the hub raises on purpose."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(LionrockError):
    status = 404


class Unauthorized(LionrockError):
    status = 401


class Forbidden(LionrockError):
    status = 403


class Conflict(LionrockError):
    status = 409


class Gone(LionrockError):
    """What was asked for existed but can no longer be read (its encryption key was destroyed)."""

    status = 410


class TooLarge(LionrockError):
    status = 413


class BadRequest(LionrockError):
    status = 400


class Busy(LionrockError):
    """The hub cannot take this work now; the caller should retry after `retry_after` seconds (503)."""

    status = 503

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(LionrockError):
    """The caller used up its allowance; it may ask again after `retry_after` seconds (429)."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one object of a submission."""

    index: int
    id: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "id": self.id, "message": self.message}


@dataclass
class Invalid(LionrockError):
    """Input was understood but is not acceptable; `problems` names each bad object."""

    message: str
    problems: list[Problem] = field(default_factory=list)
    status = 422

    def __post_init__(self) -> None:
        super().__init__(self.message)


@dataclass
class Refused(Invalid):
    """Objects the caller may not write (someone else's, a fixed definition); 403 with problems."""

    status = 403


class NotAcceptable(LionrockError):
    status = 406


class UnsupportedMediaType(LionrockError):
    status = 415
