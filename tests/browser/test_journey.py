"""The issue's end-to-end story in a real Chromium, as people do it, against the demo hub:

- a bank analyst uploads a real report, reviews it and publishes it at TLP:AMBER to a sharing group;
- a member of that group finds it by pasting one of its IP addresses; a bank outside the group can
  neither find it nor open its address;
- the regulator publishes an advisory with a deadline; two banks answer with different exposure; the
  regulator sees both and the overdue third; each bank sees only its own answer;
- the sector view shows "< 3" where fewer than three organisations answered;
- the Chinese interface shows Chinese text.

Every main page is checked with axe and saved as a screenshot under test-artifacts/.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from lionrock.access.model import Role
from tests.browser.helpers import VIEWPORT, LiveHub, check_accessibility, screenshot, sign_in
from tests.conftest import shared

VICTORIA, KOWLOON, LANTAU = "Victoria Harbour Bank", "Kowloon Pearl Bank", "Lantau Trust Bank"
REGULATOR = "Hong Kong Monetary Authority"
GROUP = "Retail Banking Fraud Circle"  # Victoria, Kowloon and the regulator; not Lantau
IPV4 = re.compile(r"^(?:\d{1,3}\.){3}\d{1,3}$")


@pytest.fixture
def people(chromium: Browser, live: LiveHub) -> Iterator[dict[str, Page]]:
    """One signed-in browser context per organisation: their cookies never mix."""
    contexts: list[BrowserContext] = []
    pages: dict[str, Page] = {}
    for org in (VICTORIA, KOWLOON, LANTAU, REGULATOR):
        context = chromium.new_context(base_url=live.url, viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, *live.user_of(org))
        expect(page).to_have_url(f"{live.url}/web/")
        pages[org] = page
    yield pages
    for context in contexts:
        context.close()


def _look(page: Page, name: str) -> None:
    """Every main page: no accessibility violation, and a screenshot for people to look at."""
    check_accessibility(page)
    screenshot(page, name)


def _publish_report(page: Page) -> tuple[str, list[str]]:
    """Upload the CISA report, wait for the review, publish AMBER to the group; the IPs it found."""
    report = shared("reports", "tram", "formats", "AA20-302A.pdf")
    page.goto("/web/intake")
    _look(page, "intake")
    page.locator("#report-file").set_input_files(str(report))
    with page.expect_navigation():
        page.locator("form.upload button[type=submit]").click()
    assert re.search(r"/web/intake/[^/]+$", page.url), page.url
    job_url = page.url
    deadline = time.monotonic() + 90
    while page.locator("form[action$='/publish']").count() == 0:  # the page refreshes itself
        assert time.monotonic() < deadline, "the report was not read within 90 s"
        page.wait_for_timeout(500)
        if page.url != job_url:
            page.goto(job_url)
    _look(page, "intake-review")
    values = page.locator("form#review input[name^='e']").evaluate_all("els => els.map(e => e.value)")
    ips = [v for v in values if IPV4.match(v)]
    assert ips, f"no IPv4 indicator found in the review: {values[:20]}"
    publish = page.locator("form[action$='/publish']")
    publish.locator("input[name=tlp][value=amber]").check()
    publish.get_by_label(GROUP).check()
    with page.expect_navigation():
        publish.locator("button[type=submit]").click()
    links = page.locator("a[href^='/web/objects/']")
    expect(links.first).to_be_visible()
    _look(page, "intake-published")
    return job_url, ips


def _search_observable(page: Page, value: str) -> None:
    page.goto("/web/search")
    page.locator("#search-observable").fill(value)
    with page.expect_navigation():
        page.locator("form.search-form button[type=submit]").click()


def test_the_whole_story(people: dict[str, Page], live: LiveHub) -> None:
    victoria, kowloon, lantau, hkma = (people[o] for o in (VICTORIA, KOWLOON, LANTAU, REGULATOR))

    # the dashboard is the first thing each person sees
    _look(victoria, "dashboard")

    # 1. Victoria publishes a report at TLP:AMBER to the circle
    _job, ips = _publish_report(victoria)
    ip = ips[0]

    # 2. Kowloon (in the circle) finds it by pasting the IP, defanged as analysts write it
    _search_observable(kowloon, ip.replace(".", "[.]", 1))
    results = kowloon.locator("a[href^='/web/objects/indicator--']")
    expect(results.first).to_be_visible()
    _look(kowloon, "search")
    with kowloon.expect_navigation():
        results.first.click()
    object_url = kowloon.url
    expect(kowloon.locator(".tlp-banner")).to_contain_text("TLP:AMBER")
    expect(kowloon.locator("body")).to_contain_text(ip)
    _look(kowloon, "object")

    # 3. Lantau (outside the circle) neither finds it nor opens it
    _search_observable(lantau, ip)
    expect(lantau.locator("a[href^='/web/objects/indicator--']")).to_have_count(0)
    answer = lantau.goto(object_url)
    assert answer is not None and answer.status == 404
    expect(lantau.locator("body")).not_to_contain_text(ip)

    # 4. the regulator publishes an advisory to the three banks, its deadline already passed
    title = f"Ransomware via phishing {uuid.uuid4().hex[:6]}"
    deadline = (datetime.now(UTC) - timedelta(hours=1)).astimezone(ZoneInfo("Asia/Hong_Kong"))
    hkma.goto("/web/advisories/new")
    _look(hkma, "advisory-new")
    hkma.locator("#adv-title").fill(title)
    hkma.locator("#adv-severity").select_option("high")
    hkma.locator("#adv-summary").fill("Check remote access and block the listed addresses.")
    hkma.locator("#adv-indicators").fill(ip)
    hkma.locator("#adv-deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    hkma.locator("input[name=tlp][value=green]").check()
    for bank in (VICTORIA, KOWLOON, LANTAU):
        hkma.get_by_label(bank, exact=True).check()
    with hkma.expect_navigation():
        hkma.locator("form.advisory-form button[type=submit]").click()
    advisory_url = hkma.url
    assert "/web/advisories/report--" in advisory_url, advisory_url

    # 5. two banks acknowledge with different exposure and private notes
    notes = {VICTORIA: "Two hosts affected, isolated on Monday.", KOWLOON: "No trace in our proxy logs."}
    for bank, exposure in ((VICTORIA, "affected"), (KOWLOON, "not-affected")):
        page = people[bank]
        page.goto("/web/advisories")
        with page.expect_navigation():
            page.get_by_role("link", name=title).click()
        page.locator("#exposure").select_option(exposure)
        page.locator("#note").fill(notes[bank])
        with page.expect_navigation():
            page.locator("form.respond button[type=submit]").click()
    _look(people[VICTORIA], "advisory-answered")

    # each bank sees its own answer only
    for bank, other in ((VICTORIA, KOWLOON), (KOWLOON, VICTORIA)):
        page = people[bank]
        page.goto(advisory_url)
        expect(page.locator("body")).to_contain_text(notes[bank])
        expect(page.locator("body")).not_to_contain_text(notes[other])

    # 6. the regulator sees both answers and the overdue third
    hkma.goto(advisory_url)
    table = hkma.locator("table.responses")
    for bank in (VICTORIA, KOWLOON):
        expect(table.locator("tr", has_text=bank)).to_contain_text(notes[bank])
    expect(table.locator("tr", has_text=LANTAU)).to_contain_text("overdue", ignore_case=True)
    _look(hkma, "advisory-publisher")
    hkma.goto("/web/advisories")
    _look(hkma, "advisories")

    # 7. the sector view: two answers to this advisory, so its exposure cells read "< 3"
    hkma.goto("/web/sector")
    row = hkma.locator("#table-exposure tr", has_text=title)
    expect(row).to_contain_text("< 3")
    _look(hkma, "sector")
    answer = lantau.goto("/web/sector")
    assert answer is not None and answer.status == 403

    # 8. administration and the audit trail, for an org-admin
    admin_page = people[VICTORIA]
    admin, password = live.new_user(VICTORIA, role=Role.ORG_ADMIN, prefix="admin")
    admin_page.context.clear_cookies()
    sign_in(admin_page, admin, password)
    admin_page.goto("/web/admin")
    _look(admin_page, "admin")
    admin_page.goto("/web/audit")
    _look(admin_page, "audit")

    # 9. the Chinese interface
    admin_page.goto("/web/")
    admin_page.locator("#language-choice").select_option("zh-HK")
    with admin_page.expect_navigation():
        admin_page.locator("form.language button[type=submit]").click()
    expect(admin_page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    expect(admin_page.locator("header nav")).to_contain_text("儀表板")
    _look(admin_page, "dashboard-zh")
    admin_page.goto(object_url)
    expect(admin_page.locator(".tlp-banner")).to_contain_text("TLP:AMBER")
    _look(admin_page, "object-zh")
