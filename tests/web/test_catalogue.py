"""Every string the web interface shows has a Traditional Chinese translation, and the catalogue
holds nothing stale; so a page added in English only fails here, not in front of a user."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import lionrock.web

WEB = Path(lionrock.web.__file__).parent
CATALOGUE = WEB / "locale" / "zh_HK" / "LC_MESSAGES" / "messages.po"
_METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
_OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _source_messages() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        WEB, _METHODS, keywords=_KEYWORDS, options_map=_OPTIONS
    ):
        for part in message if isinstance(message, tuple) else (message,):
            if part:
                found.add(part)
    return found


def _catalogue() -> dict[str, str]:
    with CATALOGUE.open("rb") as f:
        catalog = read_po(f, locale="zh_Hant_HK")
    out: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for i, msgid in enumerate(ids):
            out[msgid] = strings[min(i, len(strings) - 1)] if strings else ""
    return out


def test_the_extraction_finds_the_interface() -> None:
    assert {"Sign in", "Sign out", "Dashboard"} <= _source_messages()


def test_every_shown_string_is_translated() -> None:
    translated = {k for k, v in _catalogue().items() if v.strip()}
    missing = sorted(_source_messages() - translated)
    assert not missing, f"add zh-HK translations to {CATALOGUE.relative_to(WEB.parent.parent)}: {missing}"


def test_translations_keep_their_placeholders() -> None:
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    wrong = {k: v for k, v in _catalogue().items() if v and set(placeholder.findall(k)) != set(placeholder.findall(v))}
    assert not wrong


def test_translating_a_variable_never_makes_it_markup() -> None:
    from lionrock.web.pages import environment

    for language in ("en", "zh-HK"):
        env = environment(language)
        shown = env.from_string("{{ _(x) }}|{{ _('Sign in') }}").render(x="<script>alert(1)</script>")
        assert "<script>" not in shown and "&lt;script&gt;" in shown
        trans = env.from_string(
            "{% trans count=n %}Your organisation may see <strong>{{ count }}</strong> object."
            "{% pluralize %}Your organisation may see <strong>{{ count }}</strong> objects."
            "{% endtrans %}"
        ).render(n=2)
        assert "<strong>2</strong>" in trans
