"""Jinja2 rendering: autoescaping on, one environment per interface language (thread-safe gettext),
templates, CSS and the small amount of JavaScript shipped in the package."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

from lionrock.hub.users import LANGUAGES
from lionrock.web.i18n import LANGUAGE_NAMES, hk_time, template_gettext, translations

STATIC = Path(__file__).parent / "static"


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=PackageLoader("lionrock.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    gettext, ngettext = template_gettext(language)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["hktime"] = hk_time
    env.globals["languages"] = LANGUAGE_NAMES
    return env


def gettext_for(language: str) -> Any:
    """`_` for Python code that builds text shown on a page (flash messages, chart labels)."""
    return translations(language).gettext


def render(
    template: str, status: int = 200, headers: dict[str, str] | None = None, lang: str = LANGUAGES[0], **context: Any
) -> HTMLResponse:
    language = lang if lang in LANGUAGES else LANGUAGES[0]
    html = environment(language).get_template(template).render(lang=language, **context)
    return HTMLResponse(html, status_code=status, headers=headers)
