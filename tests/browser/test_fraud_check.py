"""The fraud check in a real Chromium: a bank checks a payee two other banks reported, reads the answer
in words, opens the identifier's page; the payee never appears in the address bar; every page passes
axe."""

from __future__ import annotations

import random

from playwright.sync_api import Page, expect

from lionrock.access.model import Role
from lionrock.hub.fraud import FraudReport, report_fraud
from lionrock.hub.members import authenticate, create_token
from tests.browser.helpers import LiveHub, check_accessibility, screenshot, sign_in

VICTORIA, KOWLOON, LANTAU = "Victoria Harbour Bank", "Kowloon Pearl Bank", "Lantau Trust Bank"


def test_a_bank_checks_a_payee_two_others_reported(browser_page: Page, live: LiveHub) -> None:
    digits = f"{random.randrange(10**6):06d}"  # the live hub is shared: an account of this test's own
    account = f"004-321-{digits}-888"
    for org in (VICTORIA, KOWLOON):
        who = authenticate(live.hub, create_token(live.hub, org, Role.ANALYST).secret)
        report_fraud(live.hub, who, [FraudReport("bank-account", account, "investment", "receiving-account")])
    page = browser_page
    sign_in(page, *live.new_user(LANTAU, prefix="fraud"))
    page.goto("/web/fraud/check")
    check_accessibility(page)
    page.locator("#fraud-type").select_option("bank-account")
    page.locator("#fraud-value").fill(f"HSBC 321 {digits} 888")
    with page.expect_navigation():
        page.locator("form[action='/web/fraud/check'] button[type=submit]").click()
    expect(page.locator(".risk-level")).to_have_text("High risk")
    assert digits not in page.url
    check_accessibility(page)
    screenshot(page, "fraud-check")
    with page.expect_navigation():
        page.get_by_role("link", name="See this identifier's page").click()
    expect(page.locator("h1")).to_contain_text(f"004-321-{digits}888")
    expect(page.locator("body")).not_to_contain_text(VICTORIA)
    check_accessibility(page)
    screenshot(page, "fraud-identifier")
