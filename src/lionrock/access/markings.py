"""Which TLP governs an object: the strictest of everything that marks it.

Granular markings count for the whole object (chosen over removing marked parts per reader: one
stored body, one release, and no reader ever receives a part whose marking it could not honour).
An object marked only by markings the hub cannot map to TLP fails closed: it is refused, whatever
TLP the request names, because the hub cannot know what the producer's own marking forbids.
Statement markings (copyright, terms of use) restrict nothing and are ignored here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lionrock.stix.tlp import MARKING_TO_TLP, TLP2_EXTENSION, Tlp

TLP_DEFINITION_IDS = frozenset(MARKING_TO_TLP)
HUB_FIXED_IDS = TLP_DEFINITION_IDS | {TLP2_EXTENSION}
_RANK = {t: t.rank for t in Tlp}
"""Definitions the hub ships and nobody may version: the OASIS TLP markings and their extension."""


def marking_refs(obj: Mapping[str, Any]) -> list[str]:
    """Every marking an object carries: object_marking_refs and granular markings' marking_ref."""
    found = [r for r in obj.get("object_marking_refs") or [] if isinstance(r, str)]
    for gm in obj.get("granular_markings") or []:
        if isinstance(gm, Mapping) and isinstance(gm.get("marking_ref"), str):
            found.append(gm["marking_ref"])
    return found


def statement_markings(objs: Iterable[Mapping[str, Any]]) -> set[str]:
    """Ids of statement (copyright / terms) marking definitions among the given objects."""
    return {
        str(o["id"])
        for o in objs
        if o.get("type") == "marking-definition" and o.get("definition_type") == "statement" and "id" in o
    }


def governing_tlp(obj: Mapping[str, Any], requested: Tlp | None, statements: set[str]) -> Tlp | str:
    """The TLP that governs the whole object, or a message saying why the hub cannot decide.
    (One pass without intermediate lists: this runs for every object of every bulk publish.)"""
    refs = obj.get("object_marking_refs") or ()
    granular = obj.get("granular_markings")
    if granular:
        refs = marking_refs(obj)
    own: Tlp | None = None
    unknown: str | None = None
    for ref in refs:
        level = MARKING_TO_TLP.get(ref) if isinstance(ref, str) else None
        if level is None:
            if unknown is None and isinstance(ref, str) and ref not in statements:
                unknown = ref
        elif own is None or _RANK[level] > _RANK[own]:
            own = level
    if own is None and unknown is not None:
        return (
            f"marked only by {unknown}, which the hub cannot map to TLP; add a TLP marking "
            "(the hub fails closed rather than guess what your marking allows)"
        )
    if own is None or (requested is not None and _RANK[requested] > _RANK[own]):
        own = requested
    if own is None:
        return "no TLP marking in object_marking_refs and no tlp given with the request; the hub does not guess"
    return own


def claimed_tlp(definition: Mapping[str, Any]) -> Tlp | None:
    """The TLP level a marking-definition object says it stands for (TLP 2.0 or 1.0 form)."""
    ext = (definition.get("extensions") or {}).get(TLP2_EXTENSION)
    raw = ext.get("tlp_2_0") if isinstance(ext, Mapping) else None
    if raw is None and definition.get("definition_type") == "tlp":
        body = definition.get("definition")
        raw = body.get("tlp") if isinstance(body, Mapping) else None
    if not isinstance(raw, str):
        return None
    try:
        return Tlp.parse(raw)
    except ValueError:
        return None


def fixed_definition_problem(obj: Mapping[str, Any]) -> str | None:
    """A submitted copy of a hub-fixed definition is accepted only if it says what the id means."""
    oid = obj.get("id")
    if oid in MARKING_TO_TLP and claimed_tlp(obj) is MARKING_TO_TLP[str(oid)]:
        return None
    if oid == TLP2_EXTENSION and obj.get("type") == "extension-definition":
        return None
    return f"{oid} is fixed by OASIS and shipped by the hub; it cannot be re-defined or versioned"
