"""Opaque paging cursors: the (date_added, pk) of the last row a page returned."""

from __future__ import annotations

import base64

from lionrock.errors import BadRequest


def encode_cursor(cursor: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(f"{cursor[0]}.{cursor[1]}".encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[int, int]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        date_added, pk = raw.split(".")
        return int(date_added), int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("the paging cursor is not one this hub issued") from exc
