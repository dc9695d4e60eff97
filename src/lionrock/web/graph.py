"""A small relationship graph as server-side SVG (pure: markupsafe only). Every text in it is
escaped; the caller passes only objects the reader may see, so a hidden object has no node."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 720
HEIGHT = 420
_RADIUS = 150
_NODE_W = 168
_NODE_H = 44
_LABEL_MAX = 24
MAX_NODES = 16


@dataclass(frozen=True)
class Node:
    stix_id: str
    kind: str  # the STIX type
    label: str


@dataclass(frozen=True)
class Edge:
    source: str  # STIX ids of nodes
    target: str
    label: str  # the relationship type


def _short(text: str, limit: int = _LABEL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _positions(center: Node, others: list[Node]) -> dict[str, tuple[float, float]]:
    cx, cy = WIDTH / 2, HEIGHT / 2
    where = {center.stix_id: (cx, cy)}
    for i, node in enumerate(others):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(others), 1)
        where[node.stix_id] = (cx + _RADIUS * 1.6 * math.cos(angle), cy + _RADIUS * math.sin(angle))
    return where


def relationship_graph(center: Node, others: list[Node], edges: list[Edge], title: str, description: str) -> Markup:
    """The center object and its related objects as labelled boxes joined by labelled arrows, with a
    <title> and <desc> for assistive technology. Nodes beyond MAX_NODES are left out (the list
    beside the graph has them all, with links: an image holds no links, its content being
    presentational to assistive technology); edges to unknown nodes are dropped."""
    others = [n for n in others if n.stix_id != center.stix_id][: MAX_NODES - 1]
    where = _positions(center, others)
    parts = [
        Markup(
            '<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
            'aria-labelledby="graph-title graph-desc">'
        ).format(w=WIDTH, h=HEIGHT),
        Markup('<title id="graph-title">{}</title><desc id="graph-desc">{}</desc>').format(title, description),
        Markup(
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path class="graph-arrow" d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>'
        ),
    ]
    for edge in edges:
        if edge.source not in where or edge.target not in where or edge.source == edge.target:
            continue
        (x1, y1), (x2, y2) = where[edge.source], where[edge.target]
        sx, sy = _border(x1, y1, x2, y2)
        tx, ty = _border(x2, y2, x1, y1)
        parts.append(
            Markup(
                '<g class="graph-edge"><line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" marker-end="url(#arrow)"/>'
                '<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text></g>'
            ).format(sx, sy, tx, ty, (sx + tx) / 2, (sy + ty) / 2 - 4, _short(edge.label, 28))
        )
    for node in [center, *others]:
        x, y = where[node.stix_id]
        css = "graph-node graph-center" if node is center else "graph-node"
        box = Markup(
            '<rect x="{:.1f}" y="{:.1f}" width="{}" height="{}" rx="6"/>'
            '<text x="{:.1f}" y="{:.1f}" text-anchor="middle" class="graph-type">{}</text>'
            '<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>'
        ).format(
            x - _NODE_W / 2,
            y - _NODE_H / 2,
            _NODE_W,
            _NODE_H,
            x,
            y - 5,
            node.kind,
            x,
            y + 13,
            _short(node.label),
        )
        parts.append(Markup('<g class="{}" data-stix-id="{}">{}</g>').format(css, node.stix_id, box))
    parts.append(Markup("</svg>"))
    return Markup("").join(escape(p) for p in parts)


def _border(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float]:
    """Where the line from box 1's centre towards box 2's centre leaves box 1."""
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return x1, y1
    scale = min(
        (_NODE_W / 2) / abs(dx) if dx else math.inf,
        (_NODE_H / 2) / abs(dy) if dy else math.inf,
    )
    return x1 + dx * scale, y1 + dy * scale
