"""Typed request bodies: read under the size limit, validated by a pydantic model, refused in the hub's
error shape. FastAPI would read a declared body whole before any check, so bodies are read here instead
and described to OpenAPI by hand (`body_doc`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from lionrock.errors import BadRequest, Invalid
from lionrock.http.body import parse_json, read_limited
from lionrock.http.responses import hub_of

M = TypeVar("M", bound=BaseModel)
_SHOWN = 10
_PART = 60


def _part(value: object) -> str:
    text = str(value)
    return text if len(text) <= _PART else text[:_PART] + "…"


def describe(errors: Sequence[Mapping[str, Any]]) -> str:
    """'where: what' for each error (at most ten), never echoing the input itself."""
    parts = [f"{'.'.join(_part(x) for x in e['loc']) or 'body'}: {e['msg']}" for e in errors[:_SHOWN]]
    if len(errors) > _SHOWN:
        parts.append(f"and {len(errors) - _SHOWN} more")
    return "; ".join(parts)


def validated(model: type[M], payload: Any, where: str = "body") -> M:
    """The payload as `model`, or a 422 naming each wrong field."""
    if not isinstance(payload, dict):
        raise BadRequest(f"the {where} must be a JSON object")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        errors = [{**e, "loc": (where, *e["loc"])} for e in exc.errors(include_input=False, include_url=False)]
        raise Invalid(describe(errors)) from exc


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A FastAPI dependency: the request body, size-limited, parsed and validated as `model`."""

    async def read(request: Request) -> M:
        raw = await read_limited(request, hub_of(request).settings.max_content_length)
        return validated(model, parse_json(raw))

    return read


def _inline(node: Any, defs: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` describing a JSON body of `model` (its nested definitions inlined)."""
    schema = model.model_json_schema()
    inlined = _inline(schema, schema.get("$defs", {}))
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": inlined}}}}
