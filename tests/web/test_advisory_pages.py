"""Advisory pages: the regulator publishes with a deadline, banks answer, the regulator sees every
answer and who is overdue; each bank sees only its own answer; titles are text; forms need CSRF."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import AudienceNames, Role
from lionrock.hub import advisories as adv
from lionrock.hub.users import add_user
from lionrock.web.advisories import hk_local_to_utc
from lionrock.web.context import WebRefused
from tests.conftest import World
from tests.factories import indicator
from tests.web.conftest import Clock
from tests.web.helpers import csrf_of, sign_in

TITLE = "<script>alert('t')</script> SMS wave"
SUMMARY = 'Phishing SMS <img src=x onerror="alert(1)"> & fake apps.'
NOTE_A = "bank-a: two branches hit, ticket INC-4711"
NOTE_B = "bank-b: nothing seen in the SMS gateway logs"


@pytest.fixture
def users(world: World) -> dict[str, str]:
    return {
        "hana": add_user(world.hub, "hkma", "hana", Role.ANALYST).password,
        "alice": add_user(world.hub, "bank-a", "alice", Role.ANALYST).password,
        "bea": add_user(world.hub, "bank-b", "bea", Role.ANALYST).password,
        "cai": add_user(world.hub, "bank-c", "cai", Role.ANALYST).password,
        "bob": add_user(world.hub, "bank-b", "bob", Role.READER).password,
    }


def _as(web: TestClient, users: dict[str, str], name: str) -> None:
    web.cookies.clear()
    assert sign_in(web, name, users[name]).status_code == 303


def _publish(web: TestClient, users: dict[str, str]) -> str:
    _as(web, users, "hana")
    form = web.get("/web/advisories/new")
    assert form.status_code == 200
    sent = web.post(
        "/web/advisories/new",
        data={
            "csrf": csrf_of(form),
            "title": TITLE,
            "severity": "high",
            "summary": SUMMARY,
            "affected": "cpe:2.3:a:example:mobile_banking:*:*:*:*:*:*:*:*\nExample SMS gateway",
            "actions": "Alert customers: warn about SMS links\nBlock the sender ids",
            "indicators": "203.0.113[.]9\nhxxps://sms-hk[.]example.net/pay",
            "deadline": "2027-01-20T17:00",  # Hong Kong time: 09:00 UTC
            "tlp": "green",
            "org": ["bank-a", "bank-b", "bank-c"],
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    return str(sent.headers["location"]).rsplit("/", 1)[1]


def _answer(web: TestClient, users: dict[str, str], name: str, advisory: str, exposure: str, note: str) -> None:
    _as(web, users, name)
    page = web.get(f"/web/advisories/{advisory}")
    assert page.status_code == 200 and 'name="exposure"' in page.text
    sent = web.post(
        f"/web/advisories/{advisory}/response",
        data={"csrf": csrf_of(page), "exposure": exposure, "note": note},
        follow_redirects=False,
    )
    assert sent.status_code == 303


def test_regulator_sees_answers_and_the_overdue_bank_banks_see_only_their_own(
    web: TestClient, world: World, users: dict[str, str], clock: Clock
) -> None:
    advisory = _publish(web, users)
    stored = adv.get_advisory(world.hub, world.principals["hkma"], advisory)
    assert stored["deadline"] == "2027-01-20T09:00:00Z"
    _answer(web, users, "alice", advisory, "affected", NOTE_A)
    _answer(web, users, "bea", advisory, "not-affected", NOTE_B)

    _as(web, users, "hana")
    before = web.get(f"/web/advisories/{advisory}").text
    assert NOTE_A in before and NOTE_B in before
    assert 'class="overdue"' not in before  # nobody is overdue before the deadline
    clock.advance(10 * 86400)
    _as(web, users, "hana")  # the session has ended in the meantime
    after = web.get(f"/web/advisories/{advisory}").text
    rows = {
        m.group(1): m.group(0) for m in re.finditer(r"<tr[^>]*>\s*<th scope=\"row\">([^<]+)</th>.*?</tr>", after, re.S)
    }
    assert set(rows) == {"bank-a", "bank-b", "bank-c"}
    assert "affected" in rows["bank-a"] and NOTE_A in rows["bank-a"]
    assert "not affected" in rows["bank-b"] and NOTE_B in rows["bank-b"]
    assert 'class="overdue"' in rows["bank-c"] and "not yet" in rows["bank-c"]
    assert 'class="overdue"' not in rows["bank-a"] + rows["bank-b"]
    listing = web.get("/web/advisories").text
    assert "2 of 3 acknowledged" in listing and "1 overdue" in listing

    for name, own, other in (("alice", NOTE_A, NOTE_B), ("bea", NOTE_B, NOTE_A), ("bob", NOTE_B, NOTE_A)):
        _as(web, users, name)
        for path in (f"/web/advisories/{advisory}", "/web/advisories"):
            shown = web.get(path).text
            assert other not in shown, (name, path)
        assert own in web.get(f"/web/advisories/{advisory}").text
    _as(web, users, "cai")
    page = web.get(f"/web/advisories/{advisory}").text
    assert NOTE_A not in page and NOTE_B not in page and "Not acknowledged yet." in page
    assert "Not acknowledged" in web.get("/web/advisories").text


def test_titles_and_summaries_are_shown_as_text(web: TestClient, world: World, users: dict[str, str]) -> None:
    advisory = _publish(web, users)
    for name in ("hana", "alice"):
        _as(web, users, name)
        for path in ("/web/advisories", f"/web/advisories/{advisory}"):
            text = web.get(path).text
            assert "<script>alert" not in text and "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in text
            assert "<img src=x" not in text
    page = web.get(f"/web/advisories/{advisory}").text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; fake apps." in page
    assert "Alert customers" in page and "warn about SMS links" in page  # recommended actions
    assert "ipv4-addr 203.0.113.9" in page and "url https://sms-hk.example.net/pay" in page  # related indicators


def test_forms_without_csrf_are_refused(web: TestClient, world: World, users: dict[str, str]) -> None:
    advisory = _publish(web, users)
    refused = web.post("/web/advisories/new", data={"title": "x", "severity": "low", "community": "yes"})
    assert refused.status_code == 403
    assert web.post(f"/web/advisories/{advisory}/close").status_code == 403
    _as(web, users, "alice")
    sent = web.post(f"/web/advisories/{advisory}/response", data={"exposure": "affected", "note": "forged"})
    assert sent.status_code == 403
    assert adv.get_advisory(world.hub, world.principals["bank-a"], advisory)["response"] is None


def test_who_may_do_what(web: TestClient, world: World, users: dict[str, str]) -> None:
    advisory = _publish(web, users)
    _as(web, users, "alice")
    assert web.get("/web/advisories/new").status_code == 403
    assert "/web/advisories/new" not in web.get("/web/advisories").text
    page = web.get(f"/web/advisories/{advisory}")
    assert web.post(f"/web/advisories/{advisory}/close", data={"csrf": csrf_of(page)}).status_code == 403
    _as(web, users, "bob")  # a reader sees the advisory but does not answer
    page = web.get(f"/web/advisories/{advisory}")
    assert page.status_code == 200 and 'name="exposure"' not in page.text
    sent = web.post(f"/web/advisories/{advisory}/response", data={"csrf": csrf_of(page), "exposure": "affected"})
    assert sent.status_code == 403


def test_an_advisory_not_addressed_to_a_bank_is_unknown_to_it(
    web: TestClient, world: World, users: dict[str, str]
) -> None:
    req = adv.AdvisoryRequest(
        title="For bank-a only",
        summary="s",
        severity="low",
        audience=AudienceNames(orgs=("bank-a",)),
        objects=[indicator("203.0.113.10")],
    )
    hidden = adv.publish_advisory(world.hub, world.principals["hkma"], req)
    _as(web, users, "cai")
    page = web.get(f"/web/advisories/{hidden}")
    absent = web.get("/web/advisories/report--00000000-0000-4000-8000-000000000000")
    assert page.status_code == absent.status_code == 404 and page.text == absent.text
    assert "For bank-a only" not in web.get("/web/advisories").text
    home = web.get("/web/")
    sent = web.post(f"/web/advisories/{hidden}/response", data={"csrf": csrf_of(home), "exposure": "affected"})
    assert sent.status_code == 404
    _as(web, users, "alice")
    assert "For bank-a only" in web.get("/web/advisories").text


def test_a_closed_advisory_takes_no_more_answers(web: TestClient, world: World, users: dict[str, str]) -> None:
    advisory = _publish(web, users)
    page = web.get(f"/web/advisories/{advisory}")
    assert web.post(f"/web/advisories/{advisory}/close", data={"csrf": csrf_of(page)}).status_code == 200
    assert adv.get_advisory(world.hub, world.principals["hkma"], advisory)["closed"] is not None
    _as(web, users, "alice")
    page = web.get(f"/web/advisories/{advisory}")
    assert 'name="exposure"' not in page.text
    sent = web.post(f"/web/advisories/{advisory}/response", data={"csrf": csrf_of(page), "exposure": "affected"})
    assert sent.status_code == 409


def test_bad_form_values_are_clear_errors(web: TestClient, world: World, users: dict[str, str]) -> None:
    _as(web, users, "hana")
    csrf = csrf_of(web.get("/web/advisories/new"))
    base = {"csrf": csrf, "title": "t", "severity": "high", "actions": "Patch", "community": "yes", "tlp": "green"}
    for bad in (
        {"severity": "apocalyptic"},
        {"deadline": "tomorrow"},
        {"techniques": "not-a-technique"},
        {"tlp": "beige"},
        {"community": ""},
        {"title": ""},
    ):
        sent = web.post("/web/advisories/new", data={**base, **bad})
        assert sent.status_code == 422, bad
    assert web.post("/web/advisories/new", data=base, follow_redirects=False).status_code == 303


def test_hong_kong_deadlines_become_utc() -> None:
    assert hk_local_to_utc("2027-01-01T07:30") == "2026-12-31T23:30:00Z"
    assert hk_local_to_utc("2027-01-01T07:30:15") == "2026-12-31T23:30:15Z"
    assert hk_local_to_utc("  ") is None
    with pytest.raises(WebRefused):
        hk_local_to_utc("2027-13-01T07:30")


def test_the_chinese_interface_shows_chinese(web: TestClient, world: World, users: dict[str, str]) -> None:
    advisory = _publish(web, users)
    _as(web, users, "alice")
    home = web.get("/web/")
    web.post("/web/language", data={"csrf": csrf_of(home), "language": "zh-HK", "next": "/web/advisories"})
    assert "警示通告" in web.get("/web/advisories").text
    page = web.get(f"/web/advisories/{advisory}").text
    assert "嚴重程度" in page and "受影響情況" in page and "確認" in page
