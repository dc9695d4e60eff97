"""Refresh the web UI screenshots the README shows (docs/images/*.png).

    .venv/bin/python scripts/screenshots.py            # needs Debian's chromium: bash .ci/browser.sh

Serves a fresh demo hub (a temporary SQLite database, `lionrock demo load`) over HTTP, signs in as
the demo analyst of Victoria Harbour Bank in a headless Chromium and saves each page in PAGES, at
1280x800 as a person sees it. The same machinery as the browser tests (tests/browser/helpers.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.browser.helpers, run from anywhere
sys.path.insert(1, str(REPO / "src"))

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.browser.helpers import VIEWPORT, demo_hub, launch, missing_browser, screenshot, sign_in  # noqa: E402

IMAGES = REPO / "docs" / "images"
USER_OF = "Victoria Harbour Bank"
PAGES = {"dashboard": "/web/", "search": "/web/search?q=Lantern", "advisories": "/web/advisories"}
"""Image name -> page, taken signed in."""


def main() -> int:
    reason = missing_browser()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp, demo_hub(Path(tmp)) as live, sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(base_url=live.url, viewport=VIEWPORT, locale="en-GB")
        page = context.new_page()
        sign_in(page, *live.user_of(USER_OF))
        for name, path in PAGES.items():
            page.goto(path)
            print(screenshot(page, name, IMAGES, full_page=False))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
