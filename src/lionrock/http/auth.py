"""Credentials → Principal. Bearer tokens, or HTTP Basic with any user name and the token as password."""

from __future__ import annotations

import base64
import binascii

from lionrock.access.model import Principal
from lionrock.errors import Unauthorized
from lionrock.hub import Hub
from lionrock.hub.members import authenticate


def token_from_header(header: str | None) -> str:
    if not header:
        raise Unauthorized("send a token: 'Authorization: Bearer <token>' or HTTP Basic with the token as password")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme == "bearer" and value:
        return value
    if scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise Unauthorized("malformed Basic credentials") from exc
        _, sep, password = decoded.partition(":")
        if sep and password:
            return password
    raise Unauthorized("unsupported Authorization header; use Bearer or Basic")


def principal_from_header(hub: Hub, header: str | None) -> Principal:
    return authenticate(hub, token_from_header(header))
