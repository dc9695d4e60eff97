"""STIX 2.1 pattern syntax check.

Our own recursive-descent parser: the reference `stix2-patterns` (ANTLR) checks about 2,000
patterns/s here, too slow for bulk feeds; this one is tested against it as an oracle
(tests/stix/test_patterns.py) and is an order of magnitude faster.

Patterns come from other members, so the parser bounds what one costs: a pattern longer than
MAX_PATTERN_CHARS is refused before it is tokenised (a 9 MB pattern once took 2.3 GB), brackets and
parentheses nest at most MAX_NESTING deep (deeper would exhaust Python's stack), and integer
literals (REPEATS counts, list indexes included) have at most MAX_INTEGER_DIGITS digits (Python
refuses to read integers of 4,300+ digits). Each limit is an ordinary PatternError with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<ts>t'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z')
  | (?P<bin>b'[A-Za-z0-9+/]*={0,2}')
  | (?P<hex>h'(?:[0-9a-fA-F]{2})*')
  | (?P<str>'(?:[^'\\]|\\['\\])*')
  | (?P<float>[+-]?\d*\.\d+)
  | (?P<int>[+-]?\d+)
  | (?P<op><=|>=|<>|!=|==|=|<|>)
  | (?P<ident>[a-zA-Z_][a-zA-Z0-9_-]*)
  | (?P<punct>[\[\]():,.*])
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset(
    [
        "AND",
        "OR",
        "NOT",
        "FOLLOWEDBY",
        "LIKE",
        "MATCHES",
        "ISSUPERSET",
        "ISSUBSET",
        "EXISTS",
        "IN",
        "START",
        "STOP",
        "WITHIN",
        "SECONDS",
        "REPEATS",
        "TIMES",
        "true",
        "false",
    ]
)
MAX_PATTERN_CHARS = 65_536
MAX_NESTING = 64
MAX_INTEGER_DIGITS = 20
_OBJECT_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$")
_LITERALS = frozenset({"str", "int", "float", "ts", "bin", "hex", "bool"})
_ORDERABLE = frozenset({"str", "int", "float", "ts", "bin", "hex"})


class PatternError(ValueError):
    """The pattern is not valid STIX 2.1 patterning."""


@dataclass(frozen=True)
class Comparison:
    """One `object-path op value` test, kept for consumers such as the matcher."""

    object_type: str
    path: str
    op: str
    negated: bool
    value: object


@dataclass(frozen=True)
class Junction:
    """Parts joined by one operator: AND/OR inside an observation, AND/OR/FOLLOWEDBY between them."""

    op: str
    parts: tuple[PatternNode, ...]


@dataclass(frozen=True)
class Observation:
    """One `[...]` observation expression; `qualified` when START/STOP, WITHIN or REPEATS follow it."""

    test: Comparison | Junction
    qualified: bool


PatternNode = Comparison | Junction | Observation


def _shown(token: str) -> str:
    return repr(token if len(token) <= 40 else token[:37] + "...")


def _joined(op: str, parts: list[PatternNode]) -> PatternNode:
    return parts[0] if len(parts) == 1 else Junction(op, tuple(parts))


def _joined_test(op: str, parts: list[Comparison | Junction]) -> Comparison | Junction:
    return parts[0] if len(parts) == 1 else Junction(op, tuple(parts))


def _tokenize(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            raise PatternError(f"unexpected character {_shown(text[pos])} at offset {pos}")
        kind = m.lastgroup or ""
        value = m.group()
        pos = m.end()
        if kind == "ws":
            continue
        if kind == "int" and len(value) > MAX_INTEGER_DIGITS + (value[0] in "+-"):
            raise PatternError(f"integer literal at offset {m.start()} has more than {MAX_INTEGER_DIGITS} digits")
        if kind == "ident" and value in ("true", "false"):
            kind = "bool"
        elif kind == "ident" and value in _KEYWORDS:
            kind = "kw"
        out.append((kind, value))
    out.append(("eof", ""))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.comparisons: list[Comparison] = []

    def open(self) -> None:
        """Take '(' or '[' and go one level deeper, within MAX_NESTING."""
        self.take()
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise PatternError(f"brackets and parentheses nest more than {MAX_NESTING} deep")

    def close(self, value: str) -> None:
        self.expect(value)
        self.depth -= 1

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        kind, got = self.take()
        if got != value or kind == "str":
            raise PatternError(f"expected {_shown(value)}, found {_shown(got or 'end of pattern')}")

    def at(self, value: str) -> bool:
        kind, got = self.peek()
        return got == value and kind in ("kw", "punct", "op")

    # observation level -------------------------------------------------------
    def pattern(self) -> PatternNode:
        node = self.observation_expressions()
        if self.peek()[0] != "eof":
            raise PatternError(f"unexpected {_shown(self.peek()[1])} after the end of the pattern")
        return node

    def observation_expressions(self) -> PatternNode:
        parts = [self.observation_or()]
        while self.at("FOLLOWEDBY"):
            self.take()
            parts.append(self.observation_or())
        return _joined("FOLLOWEDBY", parts)

    def observation_or(self) -> PatternNode:
        parts = [self.observation_and()]
        while self.at("OR"):
            self.take()
            parts.append(self.observation_and())
        return _joined("OR", parts)

    def observation_and(self) -> PatternNode:
        parts = [self.observation()]
        while self.at("AND"):
            self.take()
            parts.append(self.observation())
        return _joined("AND", parts)

    def observation(self) -> PatternNode:
        node: PatternNode
        if self.at("["):
            self.open()
            test = self.comparison_or()
            self.close("]")
            node = Observation(test, qualified=False)
        elif self.at("("):
            self.open()
            node = self.observation_expressions()
            self.close(")")
        else:
            raise PatternError(f"expected '[' or '(', found {_shown(self.peek()[1] or 'end of pattern')}")
        if self.qualifiers():
            node = Observation(node.test, True) if isinstance(node, Observation) else Junction("QUALIFIED", (node,))
        return node

    def qualifiers(self) -> bool:
        found = False
        while True:
            found = found or self.at("START") or self.at("WITHIN") or self.at("REPEATS")
            if self.at("START"):
                self.take()
                self._expect_kind("ts", "a timestamp t'...' after START")
                self.expect("STOP")
                self._expect_kind("ts", "a timestamp t'...' after STOP")
            elif self.at("WITHIN"):
                self.take()
                kind, value = self.take()
                if kind not in ("int", "float") or float(value) <= 0:
                    raise PatternError("WITHIN needs a positive number of SECONDS")
                self.expect("SECONDS")
            elif self.at("REPEATS"):
                self.take()
                kind, value = self.take()
                if kind != "int" or int(value) <= 0:
                    raise PatternError("REPEATS needs a positive integer")
                self.expect("TIMES")
            else:
                return found

    def _expect_kind(self, kind: str, what: str) -> str:
        got_kind, value = self.take()
        if got_kind != kind:
            raise PatternError(f"expected {what}, found {_shown(value or 'end of pattern')}")
        return value

    # comparison level ----------------------------------------------------------
    def comparison_or(self) -> Comparison | Junction:
        parts = [self.comparison_and()]
        while self.at("OR"):
            self.take()
            parts.append(self.comparison_and())
        return _joined_test("OR", parts)

    def comparison_and(self) -> Comparison | Junction:
        parts = [self.prop_test()]
        while self.at("AND"):
            self.take()
            parts.append(self.prop_test())
        return _joined_test("AND", parts)

    def prop_test(self) -> Comparison | Junction:
        if self.at("("):
            self.open()
            node = self.comparison_or()
            self.close(")")
            return node
        if self.at("EXISTS"):
            self.take()
            obj_type, path = self.object_path()
            exists = Comparison(obj_type, path, "EXISTS", False, None)
            self.comparisons.append(exists)
            return exists
        obj_type, path = self.object_path()
        negated = False
        if self.at("NOT"):
            self.take()
            negated = True
        kind, op = self.take()
        if kind == "op":
            value = self.literal(_LITERALS if op in ("=", "==", "!=", "<>") else _ORDERABLE)
        elif kind == "kw" and op == "IN":
            value = self.set_literal()
        elif kind == "kw" and op in ("LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"):
            value = self.literal(frozenset({"str"}))
        else:
            raise PatternError(f"expected a comparison operator after {obj_type}:{path}, found {_shown(op)}")
        comparison = Comparison(obj_type, path, op, negated, value)
        self.comparisons.append(comparison)
        return comparison

    def object_path(self) -> tuple[str, str]:
        kind, obj_type = self.take()
        if kind != "ident" or not _OBJECT_TYPE_RE.match(obj_type):
            raise PatternError(f"expected an object type, found {_shown(obj_type or 'end of pattern')}")
        self.expect(":")
        kind, first = self.take()
        if kind == "str":
            first = first[1:-1]
        elif kind != "ident" or "-" in first:
            raise PatternError(f"expected a property name after {obj_type}:, found {_shown(first)}")
        parts = [first]
        while True:
            if self.at(".") and self.peek(1)[0] in ("ident", "str", "kw", "bool"):
                self.take()
                k, name = self.take()
                parts.append(name[1:-1] if k == "str" else name)
            elif self.at("["):
                self.take()
                k, idx = self.take()
                if not (k == "int" or (k == "punct" and idx == "*")):
                    raise PatternError("list index must be an integer or *")
                self.expect("]")
                parts.append(f"[{idx}]")
            else:
                break
        return obj_type, ".".join(parts)

    def literal(self, allowed: frozenset[str]) -> object:
        kind, value = self.take()
        if kind not in allowed:
            raise PatternError(f"expected a literal value, found {_shown(value or 'end of pattern')}")
        if kind == "str":
            return value[1:-1].replace("\\'", "'").replace("\\\\", "\\")
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return value == "true"
        return value

    def set_literal(self) -> object:
        self.expect("(")
        values: list[object] = []
        if self.at(")"):
            self.take()
            return values
        values.append(self.literal(_LITERALS))
        while self.at(","):
            self.take()
            values.append(self.literal(_LITERALS))
        self.expect(")")
        return values


# The shape of nearly every indicator in bulk feeds: one equality on one property. Anything this
# matches is valid by construction, so it skips the tokenizer (about 5x faster).
_SIMPLE_RE = re.compile(
    r"^\[([a-z0-9][a-z0-9-]*[a-z0-9]):([a-z_][a-z0-9_]*(?:\.(?:'[^'\\]+'|[a-z_][a-zA-Z0-9_-]*))*)"
    r" = '([^'\\]*)'\]$"
)


def _size_error(text: object) -> str | None:
    if not isinstance(text, str):
        return f"a pattern must be a string, not {type(text).__name__}"
    if len(text) > MAX_PATTERN_CHARS:
        return f"pattern is {len(text):,} characters long; the limit is {MAX_PATTERN_CHARS:,}"
    return None


def _parse(text: object) -> tuple[Comparison, ...] | str:
    """Checked before the cache, so that an oversized pattern is neither hashed nor kept."""
    error = _size_error(text)
    if error is not None:
        return error
    assert isinstance(text, str)
    return _parse_cached(text)


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> tuple[Comparison, ...] | str:
    simple = _SIMPLE_RE.match(text)
    if simple is not None:
        obj_type, path, value = simple.groups()
        return (Comparison(obj_type, path.replace("'", ""), "=", False, value),)
    try:
        parser = _Parser(text)
        parser.pattern()
    except PatternError as exc:
        return str(exc)
    return tuple(parser.comparisons)


def parse_pattern(text: object) -> list[Comparison]:
    """Check a STIX 2.1 pattern; return its comparisons or raise PatternError."""
    parsed = _parse(text)
    if isinstance(parsed, str):
        raise PatternError(parsed)
    return list(parsed)


def pattern_error(text: object) -> str | None:
    """The reason a pattern is invalid, or None when it is valid."""
    parsed = _parse(text)
    return parsed if isinstance(parsed, str) else None


def parse_tree(text: object) -> PatternNode:
    """The pattern as a tree of observations and comparisons (for evaluators such as the matcher)."""
    error = _size_error(text)
    if error is not None:
        raise PatternError(error)
    assert isinstance(text, str)
    return _parse_tree_cached(text)


@lru_cache(maxsize=4096)
def _parse_tree_cached(text: str) -> PatternNode:
    simple = _SIMPLE_RE.match(text)
    if simple is not None:
        obj_type, path, value = simple.groups()
        return Observation(Comparison(obj_type, path.replace("'", ""), "=", False, value), qualified=False)
    return _Parser(text).pattern()
