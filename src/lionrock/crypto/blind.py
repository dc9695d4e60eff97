"""Keyed blind indexes: HMAC-SHA256 under a secret key of the hub, so that a sealed row can still be
found by equality (an observable value, a whole word) without its value being stored in clear.

A thief with the database alone sees which rows share a value or a word (equality leaks), never the
value; without the key he cannot test a guess either. docs/keys.md "Object bodies" says what it costs."""

from __future__ import annotations

import hashlib
import hmac
import re

VALUE_PREFIX = "bi1:"
"""Marks a blind value in `objects.value` (a clear value never needs the form: a guess of the HMAC
would need the key)."""
TOKEN_BYTES = 8  # 64 bits per word: collisions among the words of one hub stay negligible
MAX_TOKENS = 2000
MAX_LABELS = 12

_RUN = re.compile(r"[^\s'\"\[\]()<>{},;]+")
_INNER = re.compile(r"[^\w.@-]+")
_WORD = re.compile(r"\w+")
_STRIP = ".:/-=+!?*&#"
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def blind_value(key: bytes, value: str) -> str:
    """The blind index of a normalised (already lower-cased) observable value: HMAC-SHA256."""
    return VALUE_PREFIX + hmac.new(key, b"v|" + _utf8(value), hashlib.sha256).hexdigest()[:32]


def literal_token(key: bytes, literal: str) -> str:
    """The token of a quoted string of an indicator's search text, as written (escapes included)."""
    return "l" + _prf(key, b"l|" + _utf8(literal))


def word_token(key: bytes, word: str) -> str:
    return "w" + _prf(key, b"w|" + _utf8(word))


def _prf(key: bytes, data: bytes) -> str:
    """Keyed BLAKE2b (a PRF, like HMAC, at a third of its cost: a sealed publish hashes every word)."""
    return hashlib.blake2b(data, key=key, digest_size=TOKEN_BYTES).hexdigest()


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def query_words(word: str) -> set[str]:
    """The whole words one word of a free-text query stands for: all must be present in a sealed row."""
    return {r.strip(_STRIP) for r in _RUN.findall(word.lower())} - {""}


def words(text: str) -> set[str]:
    """The words a free-text query may name in a sealed row: each run between spaces, quotes and brackets,
    its parts split at punctuation (so `evil.example.com`, `example` and `ipv4-addr` all match
    `[ipv4-addr:value = 'evil.example.com']`), and the leading and trailing pieces of dotted words."""
    found: set[str] = set()
    for run in _RUN.findall(text.lower()):
        whole = run.strip(_STRIP)
        found.add(whole)
        if whole.isalnum():
            continue
        for part in _INNER.split(run):
            part = part.strip(_STRIP)
            found.add(part)
            if "." in part:
                found.update(_dotted(part))
        found.update(_WORD.findall(run))
    found.discard("")
    return found


def _dotted(part: str) -> list[str]:
    """The labels and the leading and trailing dot-separated pieces of a dotted word: `203.0.113.9` is
    found by `203.0.113` (a network), `pay.evil-bank.com` by `evil-bank.com` (a parent domain) and by
    `evil-bank`."""
    labels = part.split(".")
    if not 1 < len(labels) <= MAX_LABELS:
        return []
    return (
        labels
        + [".".join(labels[:i]) for i in range(2, len(labels))]
        + [".".join(labels[i:]) for i in range(1, len(labels) - 1)]
    )


def search_tokens(key: bytes, text: str, *, literals: bool) -> str:
    """`search_text` of a sealed row from the clear one (already lower-cased): the blind tokens of its
    words and, with `literals` (indicators), of its quoted strings as written (observable search looks
    for `'<form>'` in a clear row's text; `literal_form` gives what to look for in a sealed one). Space-
    separated with a space at each end, so that a token is found as ` <token> `."""
    tokens: set[str] = set()
    cache = _run_tokens.setdefault(key, {})
    known = _word_tokens.setdefault(key, {})
    if len(cache) > _CACHED or len(known) > _CACHED:
        cache.clear()
        known.clear()
    for run in _RUN.findall(text):  # written out: this loop is most of what sealing costs a publish
        found = cache.get(run)
        if found is None:
            made = []
            for w in words(run):
                token = known.get(w)
                if token is None:
                    token = known[w] = word_token(key, w)
                made.append(token)
            found = cache[run] = tuple(made)
        tokens.update(found)
    if literals and "'" in text:
        tokens.update(literal_token(key, lit) for lit in _QUOTED.findall(text))
    return " " + " ".join(sorted(tokens)[:MAX_TOKENS]) + " "


def literal_form(form: str) -> str:
    """A searched observable as it is written between quotes in a pattern (escaped as the clear search
    escapes it)."""
    return form.replace("\\", "\\\\").replace("'", "\\'")


# The tokens of each run of text and of each word met lately, per key: bulk publishes repeat most words
# and the pieces of addresses (a bounded cost in memory that holds nothing the process does not hold
# anyway while it publishes). Tuples of str: the GC stops tracking them.
_CACHED = 100_000
_run_tokens: dict[bytes, dict[str, tuple[str, ...]]] = {}
_word_tokens: dict[bytes, dict[str, str]] = {}
