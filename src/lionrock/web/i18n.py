"""Interface languages: English (the source strings) and Traditional Chinese for Hong Kong.

Messages live in a Babel catalogue, `locale/zh_HK/LC_MESSAGES/messages.po`, read and compiled in
memory when the hub starts (no build step, nothing to forget to compile). Times are shown in Hong
Kong time whatever the server's zone.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from markupsafe import escape

from lionrock.hub.users import LANGUAGES

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_NAMES = {"en": "English", "zh-HK": "繁體中文"}
"""Each language named in itself, as a language switcher should."""


def babel_locale(language: str) -> str:
    return language.replace("-", "_")


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue for a language; English is the identity."""
    if language not in LANGUAGES or language == LANGUAGES[0]:
        return NullTranslations()
    po = LOCALE_DIR / babel_locale(language) / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=babel_locale(language))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


@cache
def catalogued() -> frozenset[str]:
    """Every message id in the catalogue: the interface's own strings, which the catalogue test keeps
    complete. Only these may carry markup when a template translates them."""
    po = LOCALE_DIR / "zh_HK" / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return frozenset()
    with po.open("rb") as f:
        catalog = read_po(f, locale="zh_HK")
    ids: set[str] = set()
    for message in catalog:
        ids.update(str(i) for i in (message.id if isinstance(message.id, tuple) else (message.id,)))
    return frozenset(i for i in ids if i)


def template_gettext(language: str) -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    """gettext and ngettext for templates. Jinja's newstyle `_()` marks what it returns as safe
    markup; that is right for the interface's own strings and wrong for anything else passed to
    `_()` (a message that carries what a request sent): those come back escaped, so an XSS payload
    stays text even where a template translates a variable."""
    found = translations(language)
    trusted = catalogued()

    def gettext(message: str) -> str:
        return found.gettext(message) if message in trusted else escape(message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        if singular in trusted:
            return found.ngettext(singular, plural, n)
        return escape(singular if n == 1 else plural)

    return gettext, ngettext


def browser_language(accept_language: str) -> str:
    """The sign-in page's language before anyone is signed in: Chinese when the browser prefers a
    Traditional Chinese locale (zh-HK, zh-TW, zh-Hant, zh-MO) over English."""
    for part in accept_language.split(",")[:10]:
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return LANGUAGES[0]
        if tag in ("zh-hk", "zh-tw", "zh-mo") or tag.startswith("zh-hant"):
            return "zh-HK"
    return LANGUAGES[0]


def to_datetime(value: int | str | datetime | None) -> datetime | None:
    """Microseconds since the epoch (the store's clock), an RFC 3339 string (STIX), or a datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int):
        return datetime.fromtimestamp(value / 1_000_000, UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def hk_time(value: int | str | datetime | None, with_time: bool = True) -> str:
    """A moment in Hong Kong time, `2026-11-23 23:45 HKT` (the same digits in every language)."""
    moment = to_datetime(value)
    if moment is None:
        return "—" if value in (None, "") else str(value)
    local = moment.astimezone(HONG_KONG)
    return local.strftime("%Y-%m-%d %H:%M HKT") if with_time else local.strftime("%Y-%m-%d")
