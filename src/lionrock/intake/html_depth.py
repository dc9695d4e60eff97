"""How deep an HTML document nests, estimated from its tags before any parser builds a tree.

The HTML parser's tree builder checks element scope on every start tag by walking the stack of
open elements, so parsing costs time quadratic in the nesting depth: 10^5 nested <div> took 9 s,
10^6 would take about 15 minutes. This scan is linear. It over-estimates rather than under-
estimates: every non-void start tag opens an element (a `/>` closes one only inside <svg> or
<math>, as in the HTML tree builder), and an end tag closes one only when an element of that
name is open, so a document of stray end tags cannot hide its depth."""

from __future__ import annotations

import re

_TAG = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "keygen",
        "basefont",
        "bgsound",
        "frame",
    ]
)
_RAW_TEXT = frozenset(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"])
_FOREIGN = frozenset({"svg", "math"})
_RAW_END = {name: re.compile(rf"</{name}", re.IGNORECASE) for name in _RAW_TEXT}


def max_depth(html: str, stop_above: int) -> int:
    """The estimated greatest nesting depth, or the first depth above `stop_above` (scanning stops there)."""
    open_by_name: dict[str, int] = {}
    depth = deepest = foreign = 0
    pos = 0
    while True:
        match = _TAG.search(html, pos)
        if match is None:
            return deepest
        pos = match.end()
        if match.group(0) == "<!--":
            end = html.find("-->", pos)
            pos = len(html) if end < 0 else end + 3
            continue
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if open_by_name.get(name, 0) > 0:
                open_by_name[name] -= 1
                depth -= 1
                if name in _FOREIGN:
                    foreign -= 1
            continue
        if name == "plaintext":
            return max(deepest, depth + 1)
        if name in _VOID or (self_closing and foreign > 0):
            continue
        open_by_name[name] = open_by_name.get(name, 0) + 1
        depth += 1
        foreign += name in _FOREIGN
        if depth > deepest:
            deepest = depth
            if deepest > stop_above:
                return deepest
        if name in _RAW_TEXT:
            raw_end = _RAW_END[name].search(html, pos)
            if raw_end is None:
                return deepest
            pos = raw_end.start()
