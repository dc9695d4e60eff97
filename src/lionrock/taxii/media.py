"""TAXII 2.1 media types and content negotiation."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

TAXII_MEDIA = "application/taxii+json;version=2.1"
STIX_MEDIA = "application/stix+json;version=2.1"


def _acceptable(media: str) -> bool:
    parts = [p.strip().lower() for p in media.split(";")]
    kind, params = parts[0], [p.replace(" ", "") for p in parts[1:] if not p.startswith("q=")]
    if kind in ("*/*", "application/*", "application/json"):
        return True
    if kind in ("application/taxii+json", "application/stix+json"):
        return all(p == "version=2.1" for p in params if p.startswith("version="))
    return False


def accepts_taxii(accept: str | None) -> bool:
    """True when the Accept header admits a TAXII 2.1 response (missing header admits anything)."""
    if not accept:
        return True
    return any(_acceptable(m) for m in accept.split(","))


def is_taxii_content(content_type: str | None) -> bool:
    if not content_type:
        return False
    parts = [p.strip().lower().replace(" ", "") for p in content_type.split(";")]
    if parts[0] not in ("application/taxii+json", "application/stix+json"):
        return False
    return all(p == "version=2.1" for p in parts[1:] if p.startswith("version="))


class TaxiiJSON(Response):
    media_type = TAXII_MEDIA

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def taxii_error(status: int, title: str, description: str = "") -> TaxiiJSON:
    return TaxiiJSON({"title": title, "description": description, "http_status": str(status)}, status_code=status)
