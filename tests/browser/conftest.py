"""Browser tests: the web UI in a real headless Chromium (Playwright, Debian's `chromium`).

Every test in this folder is marked `browser`. Without Chromium (or Playwright) they skip, saying
what to install; with LIONROCK_REQUIRE_BROWSER=1 (set by .ci/run once .ci/browser.sh has installed
the browser) they fail instead, so CI cannot pass by skipping them.

Per test process (each pytest-xdist worker has its own): one demo hub served over HTTP on a fresh
SQLite database, whatever LIONROCK_TEST_DATABASE_URL says (the pages reach the database only through
hub use cases, which the rest of the suite runs against both databases), and one Chromium. Per test:
a fresh browser context (no cookies carried over) and a page, with every Content-Security-Policy
violation recorded. A failing test leaves a screenshot in test-artifacts/failed-<test>.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.helpers import CSP_RECORDER, VIEWPORT, LiveHub, demo_hub, launch, missing_browser, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser_ready() -> None:
    reason = missing_browser()
    if reason is None:
        return
    if os.environ.get("LIONROCK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"LIONROCK_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    """The demo hub over HTTP, shared by the tests of this process (make your own users to change)."""
    with demo_hub(tmp_path_factory.mktemp("live-hub")) as hub:
        yield hub


@pytest.fixture(scope="session")
def chromium(browser_ready: None) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium: Browser, live: LiveHub) -> Iterator[BrowserContext]:
    """A fresh context (cookies, storage) whose relative URLs resolve against the live hub."""
    context = chromium.new_context(base_url=live.url, viewport=VIEWPORT, locale="en-GB")
    context.add_init_script(CSP_RECORDER)
    yield context
    context.close()


@pytest.fixture
def browser_page(browser_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = browser_context.new_page()
    yield page
    if request.node.stash.get(_FAILED, False) and not page.is_closed():
        name = "failed-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)[:120]
        try:
            screenshot(page, name)
        except Exception as exc:  # a screenshot must not hide the failure itself
            print(f"no failure screenshot: {exc}")
