"""Use cases. Each owns its transaction; the edges call these and nothing below them."""

from lionrock.hub.context import Hub
from lionrock.store.objects import ObjectQuery

__all__ = ["Hub", "ObjectQuery"]
