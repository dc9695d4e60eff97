"""Database URLs as they may be printed: the password replaced by ***."""

from __future__ import annotations

import re

_QUERY_SECRET = re.compile(r"(?i)([?&](?:password|passwd|sslpassword)=)[^&]*")


def masked_url(url: str) -> str:
    """postgresql://app:s3cret@db/hub → postgresql://app:***@db/hub (and ?password=… likewise)."""
    url = _QUERY_SECRET.sub(r"\1***", url)
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, path = rest.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}{slash}{path}"
