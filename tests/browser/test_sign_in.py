"""Signing in, the home page, the language switch, signing out and error pages, in a real Chromium:
what a person does, checked with axe, the keyboard, the cookie jar and the browser's CSP enforcement."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from lionrock.settings import Settings
from tests.browser.helpers import (
    CSP_RECORDER,
    VIEWPORT,
    LiveHub,
    check_accessibility,
    check_focus_visible,
    contrast,
    csp_violations,
    screenshot,
    serve_hub,
    sign_in,
    sign_out,
)

BANK = "Victoria Harbour Bank"

GLYPHS = """(chars) => {
  // Draw each character in the page's own font; glyphs missing from every font all come out as the
  // same empty box (tofu), real glyphs differ from one another.
  const font = getComputedStyle(document.querySelector('h1')).font;
  return chars.map((ch) => {
    const canvas = document.createElement('canvas');
    canvas.width = 64; canvas.height = 64;
    const ctx = canvas.getContext('2d');
    ctx.font = font.replace(/\\d+(\\.\\d+)?px/, '40px');
    ctx.fillText(ch, 8, 48);
    return canvas.toDataURL();
  });
}"""


def _home_as(page: Page, live: LiveHub, user: tuple[str, str]) -> None:
    sign_in(page, *user)
    expect(page).to_have_url(f"{live.url}/web/")


def test_sign_in_with_the_form_reaches_home(browser_page: Page, live: LiveHub) -> None:
    page = browser_page
    answer = page.goto("/web/login")
    assert answer is not None and answer.status == 200
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_accessibility(page)
    screenshot(page, "login")

    name, password = live.user_of(BANK)
    _home_as(page, live, (name, password))
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("p.who")).to_contain_text(f"Signed in as {name} of {BANK}")
    expect(page.locator("p.count")).to_contain_text("Your organisation may see")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "home")
    assert csp_violations(page) == []


def test_keyboard_reaches_the_skip_link_first_then_the_fields_with_visible_focus(
    browser_page: Page, live: LiveHub
) -> None:
    page = browser_page
    page.goto("/web/login")
    stops = check_focus_visible(page)
    assert [s["name"] for s in stops] == [
        "a.skip",
        "a.brand",
        "input#name",
        "input#password",
        "button",
    ], stops
    assert stops[0]["text"] == "Skip to content"

    _home_as(page, live, live.user_of(BANK))
    stops = check_focus_visible(page)
    names = [s["name"] for s in stops]
    assert names[:2] == ["a.skip", "a.brand"] and "select#language-choice" in names, names
    texts = [s["text"] for s in stops]
    assert texts[2] == "Dashboard" and "Sign out" in texts, texts  # the menu, then the account controls

    # the skip link takes the keyboard past the header, straight to the form
    page.goto("/web/login")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "name"


def test_a_wrong_password_shows_the_error_and_signs_nobody_in(
    browser_page: Page, browser_context: BrowserContext, live: LiveHub
) -> None:
    page = browser_page
    name, _ = live.user_of(BANK)
    sign_in(page, name, "not-the-password")
    expect(page).to_have_url(f"{live.url}/web/login")
    expect(page.get_by_role("alert")).to_have_text("wrong user name or password")
    expect(page.locator("#name")).to_have_value(name)  # kept; the password is not
    expect(page.locator("#password")).to_have_value("")
    assert "lr_session" not in {c["name"] for c in browser_context.cookies()}
    check_accessibility(page)
    screenshot(page, "login-failed")


def test_the_session_cookie_is_httponly_and_samesite_strict(
    browser_page: Page, browser_context: BrowserContext, live: LiveHub
) -> None:
    page = browser_page
    _home_as(page, live, live.user_of(BANK))
    cookie = next(c for c in browser_context.cookies() if c["name"] == "lr_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    assert cookie["secure"] is False  # plain http and web_secure_cookie off
    assert "lr_session" not in page.evaluate("document.cookie")  # script cannot read it


def test_the_session_cookie_is_secure_when_configured(chromium: Browser, live: LiveHub) -> None:
    """A second server over the same database with LIONROCK_WEB_SECURE_COOKIE=1 (as behind a TLS
    proxy). Chromium keeps Secure cookies from http://localhost, so the whole sign-in still works."""
    name, password = live.new_user(BANK)
    settings = Settings(database_url=live.settings.database_url, web_secure_cookie=1)
    with serve_hub(settings) as url:
        local = url.replace("127.0.0.1", "localhost")
        context = chromium.new_context(base_url=local, viewport=VIEWPORT)
        try:
            page = context.new_page()
            sign_in(page, name, password)
            expect(page).to_have_url(f"{local}/web/")
            cookie = next(c for c in context.cookies() if c["name"] == "lr_session")
            assert cookie["secure"] is True and cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
        finally:
            context.close()


def test_csp_allows_no_inline_script_and_the_pages_break_no_rule(browser_page: Page, live: LiveHub) -> None:
    page = browser_page
    answer = page.goto("/web/login")
    assert answer is not None
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    pages = ["/web/login"]
    _home_as(page, live, live.user_of(BANK))
    pages += ["/web/", "/web/search?q=lantern", "/web/intake", "/web/advisories", "/web/nowhere"]
    for path in pages:
        answer = page.goto(path)
        assert answer is not None and answer.headers["content-security-policy"] == policy, path
        assert page.locator("script:not([src])").count() == 0, f"inline script in {path}"
        assert page.locator("[style]").count() == 0, f"inline style attribute in {path}"
        assert csp_violations(page) == [], path

    # an injected inline script (as a stored XSS would be) does not run: the browser blocks it
    page.evaluate(
        """() => {
          const s = document.createElement('script');
          s.textContent = 'window.__pwned = true';
          document.body.appendChild(s);
          const img = document.createElement('img');
          img.setAttribute('src', 'x');
          img.setAttribute('onerror', 'window.__pwned = true');
          document.body.appendChild(img);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length >= 2")
    assert page.evaluate("window.__pwned === undefined")
    directives = {v["directive"] for v in csp_violations(page)}
    assert directives & {"script-src-elem", "script-src"} and directives & {"script-src-attr", "script-src"}


def test_switching_to_chinese_shows_chinese_rendered_in_a_cjk_font(browser_page: Page, live: LiveHub) -> None:
    page = browser_page
    user = live.new_user(BANK)  # the language stays with the user: a user of this test's own
    _home_as(page, live, user)
    page.locator("#language-choice").select_option("zh-HK")
    with page.expect_navigation():
        page.locator("form.language button[type=submit]").click()
    expect(page).to_have_url(f"{live.url}/web/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    expect(page.locator("h1")).to_have_text("儀表板")
    expect(page.locator("form.logout button")).to_have_text("登出")
    check_accessibility(page)
    screenshot(page, "home-zh")

    first, second, tofu = page.evaluate(GLYPHS, ["主", "頁", "\ue000"])

    # kept with the user: the next sign-in is in Chinese too
    sign_out(page)
    _home_as(page, live, user)
    expect(page.locator("h1")).to_have_text("儀表板")

    if first in (second, tofu):
        reason = "Chinese renders as empty boxes: no CJK font; install fonts-wqy-microhei (bash .ci/browser.sh)"
        if os.environ.get("LIONROCK_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def test_sign_out_ends_the_session_for_good(browser_page: Page, browser_context: BrowserContext, live: LiveHub) -> None:
    page = browser_page
    _home_as(page, live, live.user_of(BANK))
    old = next(c for c in browser_context.cookies() if c["name"] == "lr_session")
    sign_out(page)
    expect(page).to_have_url(f"{live.url}/web/login")
    assert "lr_session" not in {c["name"] for c in browser_context.cookies()}
    page.goto("/web/")
    expect(page).to_have_url(f"{live.url}/web/login")

    # the old cookie, put back, opens nothing: the session is gone from the hub
    browser_context.add_cookies([old])  # type: ignore[list-item]
    page.goto("/web/")
    expect(page).to_have_url(f"{live.url}/web/login")


def test_error_pages_are_pages_for_people(browser_page: Page, live: LiveHub) -> None:
    page = browser_page
    _home_as(page, live, live.user_of(BANK))

    # a form whose CSRF token does not match is refused, with a page that says so
    page.locator("form.logout input[name=csrf]").evaluate("(el) => { el.value = 'forged'; }")
    with page.expect_navigation() as navigation:
        page.locator("form.logout button[type=submit]").click()
    assert navigation.value is not None and navigation.value.status == 403
    expect(page.locator("h1")).to_have_text("Refused")
    expect(page.locator("p.error")).to_contain_text("did not come from this site")
    check_accessibility(page)
    screenshot(page, "error-403")
    page.goto("/web/")
    expect(page.locator("h1")).to_have_text("Dashboard")  # still signed in: the forged sign-out did nothing

    answer = page.goto("/web/no-such-page")
    assert answer is not None and answer.status == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in answer.headers
    expect(page.locator("h1")).to_have_text("Not found")
    check_accessibility(page)
    screenshot(page, "error-404")


def test_the_screenshot_helper_writes_a_png(browser_page: Page, tmp_path: Path) -> None:
    browser_page.goto("/web/login")
    path = screenshot(browser_page, "helper-check", directory=tmp_path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError):
        screenshot(browser_page, "../escape", directory=tmp_path)


def test_the_recorder_is_installed(browser_page: Page) -> None:
    """Guards the CSP checks above: an empty list must mean "no violation", not "not recording"."""
    browser_page.goto("/web/login")
    assert browser_page.evaluate("Array.isArray(window.__cspViolations)")
    assert CSP_RECORDER.strip().startswith("window.__cspViolations")


def test_the_accessibility_checker_fails_on_violations_naming_their_targets(browser_page: Page) -> None:
    """Guards every check_accessibility above: a page with known faults must fail, saying where."""
    browser_page.set_content(
        "<html><head><title>t</title></head><body><main><h1>t</h1>"
        '<input id="unlabelled"><p id="faint">faint</p><img src="x.png"></main></body></html>'
    )
    browser_page.locator("#faint").evaluate("(el) => { el.style.color = '#bbb'; }")
    with pytest.raises(AssertionError) as failure:
        check_accessibility(browser_page)
    message = str(failure.value)
    for rule, target in [
        ("label", "#unlabelled"),
        ("color-contrast", "#faint"),
        ("image-alt", "img"),
        ("html-has-lang", "html"),
    ]:
        assert f"- {rule} (" in message and target in message, message


def test_the_focus_check_fails_on_a_missing_or_faint_outline(browser_page: Page) -> None:
    """Guards check_focus_visible: no outline, and an outline too faint for its background, both fail."""
    page = browser_page
    page.goto("/web/login")
    page.locator("#name").evaluate("(el) => el.style.setProperty('outline', 'none')")
    page.locator("#password").evaluate("(el) => el.style.setProperty('outline-color', '#eee')")
    with pytest.raises(AssertionError) as failure:
        check_focus_visible(page)
    message = str(failure.value)
    assert "input#name '': no focus outline" in message, message
    assert "input#password '': focus outline rgb(238, 238, 238)" in message, message
    assert "a.skip" not in message and "button" not in message, message
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
