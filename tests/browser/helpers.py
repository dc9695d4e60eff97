"""A live hub and a real Chromium, for the browser tests and scripts/screenshots.py (no pytest here).

- The browser is Debian's `chromium` (or $LIONROCK_CHROMIUM), driven by Playwright through
  `executable_path`: Playwright's own browser downloads (`playwright install`) are never used.
- The hub is served over real HTTP by uvicorn in a thread, on a socket bound to a free port of
  127.0.0.1, with a fresh SQLite database holding the demo world (`lionrock demo load`: the HKMA, the
  Police, three banks, an operator, 619 objects, two advisories, one web analyst per organisation).
  It runs on the real clock: a browser follows no fake one, and no test comes near the 30-minute
  idle expiry of a session.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from lionrock.access.model import Role
from lionrock.app import create_app
from lionrock.hub import Hub
from lionrock.hub.demo import load_demo
from lionrock.hub.users import add_user
from lionrock.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
"""Screenshots land here (ignored by git); CI keeps the folder as its artefact."""
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome-stable")
VIEWPORT = {"width": 1280, "height": 800}
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
"""axe-core rules checked: WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (landmarks,
heading order, one <h1>, unique landmark names) that the web UI holds itself to."""

CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push({directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample});
});
"""
"""Run in every page before its own scripts (Playwright's init script, which the page's CSP does not
govern): records each Content-Security-Policy violation the browser reports."""


def chromium_path() -> str | None:
    """$LIONROCK_CHROMIUM, else `chromium` on the PATH, else the usual Debian/Ubuntu locations."""
    chosen = os.environ.get("LIONROCK_CHROMIUM")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    found = shutil.which("chromium")
    if found:
        return found
    return next((p for p in CHROMIUM_PATHS if os.access(p, os.X_OK)), None)


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import axe_playwright_python.sync_playwright  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright or axe-playwright-python is not installed ({exc}); pip install -e '.[dev]'"
    if chromium_path() is None:
        where = os.environ.get("LIONROCK_CHROMIUM") or "chromium on the PATH"
        return (
            f"no Chromium found ({where}): install the Debian package `chromium` and the Chinese font "
            "`fonts-wqy-microhei` (bash .ci/browser.sh does both), or set LIONROCK_CHROMIUM"
        )
    return None


def launch(playwright: Playwright) -> Browser:
    """Headless Chromium from the OS package (Playwright adds --no-sandbox, needed as root)."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(missing_browser() or "no Chromium")
    return playwright.chromium.launch(executable_path=path, headless=True)


@contextmanager
def serve_hub(settings: Settings, hub: Hub | None = None) -> Iterator[str]:
    """The app over real HTTP on 127.0.0.1 (a port of its own); yields the base URL. With no `hub`, a
    hub is opened on `settings` (an existing database: no migration) and closed afterwards."""
    own = hub is None
    hub = hub or Hub.open(settings, migrate=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings, hub), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"hub:{port}")
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live hub did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        if own:
            hub.close()


@dataclass
class LiveHub:
    """The demo hub served over HTTP. `users` maps each demo web user to (organisation, password)."""

    url: str
    hub: Hub
    settings: Settings
    users: dict[str, tuple[str, str]] = field(default_factory=dict)
    _serial: Iterator[int] = field(default_factory=lambda: count(1))

    def user_of(self, org: str) -> tuple[str, str]:
        """The demo analyst of an organisation (by its name): (user name, password)."""
        for name, (org_name, password) in self.users.items():
            if org_name == org:
                return name, password
        raise KeyError(org)

    def new_user(self, org: str, role: Role = Role.ANALYST, prefix: str = "tester") -> tuple[str, str]:
        """A fresh web user of its own, for a test that changes the user (its language, say)."""
        name = f"{prefix}-{next(self._serial)}"
        return name, add_user(self.hub, org, name, role).password


@contextmanager
def demo_hub(directory: Path, **overrides: Any) -> Iterator[LiveHub]:
    """A fresh SQLite hub in `directory` with the demo world, served over HTTP."""
    settings = Settings(database_url=f"sqlite:///{directory / 'hub.db'}", **overrides)
    hub = Hub.open(settings)
    try:
        demo = load_demo(hub)
        with serve_hub(settings, hub) as url:
            yield LiveHub(url, hub, settings, {user: (org, password) for org, user, password in demo.users})
    finally:
        hub.close()


def sign_in(page: Page, name: str, password: str) -> None:
    """Sign in through the form, as a person does; the page is then wherever the hub sent it
    (home on success, the sign-in form with its message otherwise)."""
    page.goto("/web/login")
    page.locator("#name").fill(name)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("form[action='/web/login'] button[type=submit]").click()


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form.logout button[type=submit]").click()


def check_accessibility(page: Page, tags: tuple[str, ...] = WCAG_TAGS, skip_rules: tuple[str, ...] = ()) -> None:
    """Run axe-core in the page; fail listing every violation with its rule, impact and targets."""
    from axe_playwright_python.sync_playwright import Axe

    options: dict[str, Any] = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    if skip_rules:
        options["rules"] = {rule: {"enabled": False} for rule in skip_rules}
    violations = Axe().run(page, options=options).response["violations"]
    if violations:
        lines = [f"axe found {len(violations)} accessibility violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"]:
                target = " ".join(str(t) for t in node["target"])
                summary = node.get("failureSummary", "").replace("\n", " ")
                lines.append(f"    {target}: {summary}")
        raise AssertionError("\n".join(lines))


FOCUS_PROBE = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const width = parseFloat(style.outlineWidth) || 0;
  const offset = parseFloat(style.outlineOffset) || 0;
  // what lies under the outline: sample just outside the element's left (else right) edge
  let x = box.left - offset - width / 2;
  if (x < 0) x = box.right + offset + width / 2;
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  let behind = 'rgb(255, 255, 255)';
  for (const under of document.elementsFromPoint(x, y)) {
    if (under === el || el.contains(under)) continue;
    const bg = getComputedStyle(under).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) { behind = bg; break; }
  }
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  return {
    name, tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '').trim().slice(0, 40),
    outline: style.outlineStyle, width, color: style.outlineColor, behind,
    onScreen: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0
              && box.right <= innerWidth && box.bottom <= innerHeight,
  };
}"""
"""What has the keyboard focus and how it shows, or null when nothing in the page has it."""


def _luminance(css_colour: str) -> float:
    channels = [float(c) for c in re.findall(r"[\d.]+", css_colour)[:3]]
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha ignored)."""
    a, b = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def tab_through(page: Page, limit: int = 100) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until the focus leaves it (or `limit` stops): each stop."""
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_PROBE)
        if stop is None:
            break
        stops.append(stop)
    return stops


def check_focus_visible(page: Page) -> list[dict[str, Any]]:
    """Tab through the page; fail unless every stop shows a focus outline at least 2 px wide, on screen,
    with 3:1 contrast against what lies under it (WCAG 2.1 2.4.7 and 1.4.11). Returns the stops."""
    stops = tab_through(page)
    problems = []
    for stop in stops:
        where = f"{stop['name']} {stop['text']!r}"
        if stop["outline"] == "none" or stop["width"] < 2:
            problems.append(f"{where}: no focus outline ({stop['outline']} {stop['width']}px)")
        elif (ratio := contrast(stop["color"], stop["behind"])) < 3:
            problems.append(f"{where}: focus outline {stop['color']} on {stop['behind']} has contrast {ratio:.2f}:1")
        if not stop["onScreen"]:
            problems.append(f"{where}: focused but not on screen")
    if not stops:
        problems.append("nothing in the page takes the keyboard focus")
    if problems:
        raise AssertionError(f"focus not visible on {page.url}:\n" + "\n".join(f"- {p}" for p in problems))
    return stops


def screenshot(page: Page, name: str, directory: Path = ARTIFACTS, full_page: bool = True) -> Path:
    """Save a PNG of the page as <directory>/<name>.png (test-artifacts/ by default)."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ValueError(f"not a plain file name: {name!r}")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def csp_violations(page: Page) -> list[dict[str, str]]:
    """The Content-Security-Policy violations the browser reported in this page so far."""
    found: list[dict[str, str]] = page.evaluate("window.__cspViolations || []")
    return found
