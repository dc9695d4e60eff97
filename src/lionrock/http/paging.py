"""Opaque paging cursors: the (date_added, pk) of the last row a page returned."""

from __future__ import annotations

import base64
import binascii
import re

from lionrock.errors import BadRequest

_BIGINT_MAX = 2**63 - 1  # both cursor parts are BIGINT columns
_SHAPE = re.compile(r"[0-9]{1,19}\.[0-9]{1,19}")
_MAX_TEXT = 64


def encode_cursor(cursor: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(f"{cursor[0]}.{cursor[1]}".encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[int, int]:
    """The cursor's two integers; anything this hub could not have issued (bad shape, a number out of
    the columns' range) is a 400, never a database error."""
    problem = BadRequest("the paging cursor is not one this hub issued")
    if len(text) > _MAX_TEXT:
        raise problem
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise problem from exc
    if not _SHAPE.fullmatch(raw):
        raise problem
    date_added, pk = (int(part) for part in raw.split("."))
    if date_added > _BIGINT_MAX or pk > _BIGINT_MAX:
        raise problem
    return date_added, pk
