"""Fraud pages: the check answers every level in words and never puts the payee in a URL; a bad value
is the form again (422); the batch; an identifier page shows the viewer's own reports in full and of
other organisations only what the check reveals; readers do not report; the dashboard panel names a
scam type only when three organisations reported it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from lionrock.access.model import Role
from lionrock.fraud.identifiers import normalise
from lionrock.hub.fraud import FraudReport, report_fraud
from lionrock.hub.users import add_user
from lionrock.store import fraud_views as store
from lionrock.store.engine import read_transaction
from tests.conftest import World
from tests.web.conftest import Clock
from tests.web.helpers import csrf_of, sign_in

ACCOUNT = "004-123-456789-001"  # bank-account 004-123-456789001
PHONE = "9123 4567"
WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"
NOTE_A = "bank-a: mule recruited via Telegram job ad, case 4711"
NOTE_B = "bank-b: second victim, fake trading app SecretWin"


@pytest.fixture
def users(world: World, clock: Clock) -> dict[str, str]:
    return {
        "alice": add_user(world.hub, "bank-a", "alice", Role.ANALYST).password,
        "bob": add_user(world.hub, "bank-b", "bob", Role.READER).password,
    }


def _as(web: TestClient, users: dict[str, str], name: str) -> None:
    web.cookies.clear()
    assert sign_in(web, name, users[name]).status_code == 303


def _report(world: World, org: str, kind: str, value: str, **fields: object) -> str:
    defaults: dict[str, object] = {"scam_type": "investment", "role": "receiving-account"}
    report = FraudReport(type=kind, value=value, **{**defaults, **fields})  # type: ignore[arg-type]
    return report_fraud(world.hub, world.principals[org], [report])[0]["id"]


def _check(web: TestClient, kind: str, value: str) -> Response:
    page = web.get("/web/fraud/check")
    assert page.status_code == 200
    return web.post(
        "/web/fraud/check", data={"csrf": csrf_of(page), "type": kind, "value": value}, follow_redirects=False
    )


def _names(html: str, org: str) -> bool:
    """Whether the page names an organisation (`bank-a`, not the `bank-a` in `bank-account`)."""
    return re.search(rf"\b{re.escape(org)}\b", html) is not None


def _risk(html: str) -> str:
    found = re.search(r'<p class="risk-level">([^<]+)</p>', html)
    assert found, html
    return found.group(1)


def test_the_check_answers_every_level_in_words(web: TestClient, world: World, users: dict[str, str]) -> None:
    _report(world, "bank-a", "bank-account", ACCOUNT)
    _report(world, "bank-b", "bank-account", "HSBC 123-456789-001")  # the same account, spelt otherwise
    _report(world, "bank-a", "phone", PHONE, role="caller")
    _report(world, "bank-a", "crypto-wallet", WALLET, reported="2025-12-01", confidence=60)
    _as(web, users, "bob")  # readers check too
    high = _check(web, "bank-account", "004 123 456789 001")
    assert high.status_code == 200
    assert _risk(high.text) == "High risk" and "Do not let the payment go ahead" in high.text
    assert "&lt; 3" in high.text and "Investment" in high.text and "No dispute" in high.text
    assert "004-123-456789001" in high.text
    ident = normalise("bank-account", ACCOUNT).id
    assert f'href="/web/fraud/identifiers/{ident}"' in high.text
    assert _risk(_check(web, "phone", "+852 9123 4567").text) == "Medium risk"
    assert _risk(_check(web, "crypto-wallet", WALLET).text) == "Low risk"
    nothing = _check(web, "email", "nobody@example.com")
    assert _risk(nothing.text) == "No record" and "does not mean it is safe" in nothing.text
    assert "/web/fraud/identifiers/" not in nothing.text  # no page to link to
    assert not _names(high.text, "bank-a") and not _names(high.text, "bank-c")


def test_the_check_answers_in_hong_kong_chinese(web: TestClient, world: World, users: dict[str, str]) -> None:
    _report(world, "bank-a", "phone", PHONE)
    _report(world, "bank-b", "phone", PHONE)
    _as(web, users, "bob")
    home = web.get("/web/")
    web.post("/web/language", data={"csrf": csrf_of(home), "language": "zh-HK", "next": "/web/"})
    answer = _check(web, "phone", PHONE)
    assert _risk(answer.text) == "高風險" and "投資騙案" in answer.text
    assert _risk(_check(web, "email", "nobody@example.com").text) == "沒有紀錄"


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("phone", "12345", "not a valid phone number"),
        ("bank-account", "999-123-456789", "bank code"),
        ("email", "x" * 5000, "characters"),
        ("horoscope", "aries", "Choose the type of identifier."),
        ("", "", "Choose the type of identifier."),
    ],
)
def test_a_bad_value_is_the_form_again_with_the_reason(
    web: TestClient, world: World, users: dict[str, str], kind: str, value: str, reason: str
) -> None:
    _as(web, users, "alice")
    answer = _check(web, kind, value)
    assert answer.status_code == 422
    assert 'name="value"' in answer.text and reason in answer.text
    assert 'class="risk-level"' not in answer.text


def test_the_payee_never_lands_in_a_url(web: TestClient, world: World, users: dict[str, str]) -> None:
    ident = _report(world, "bank-b", "phone", PHONE)
    _as(web, users, "alice")
    answer = _check(web, "phone", PHONE)
    assert answer.status_code == 200 and "location" not in answer.headers  # answered in place, no redirect
    assert "91234567" not in str(answer.url) and "9123" not in str(answer.url)
    page = web.get("/web/fraud/check")
    assert 'method="post" action="/web/fraud/check"' in page.text
    sent = web.post(
        f"/web/fraud/identifiers/{ident}/report",
        data={"csrf": csrf_of(page), "scam_type": "romance", "role": "caller", "confidence": "80"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/web/fraud/identifiers/{ident}" and "9123" not in sent.headers["location"]
    for href in re.findall(r'href="([^"]+)"', web.get(f"/web/fraud/identifiers/{ident}").text + answer.text):
        assert "9123" not in href and "852" not in href


def test_the_batch_answers_a_table_and_names_bad_lines(web: TestClient, world: World, users: dict[str, str]) -> None:
    _report(world, "bank-a", "phone", PHONE)
    _as(web, users, "bob")
    csrf = csrf_of(web.get("/web/fraud/check"))
    mixed = f"phone {PHONE}\n\nemail Mule@Example.com\nbank-account {ACCOUNT}\n"
    table = web.post("/web/fraud/check/batch", data={"csrf": csrf, "values": mixed, "batch_type": ""})
    assert table.status_code == 200
    rows = re.findall(r"<tr>\s*<td class=\"num\">(\d+)</td>(.*?)</tr>", table.text, re.S)
    assert [n for n, _ in rows] == ["1", "2", "3"]
    assert "Medium risk" in rows[0][1] and "+85291234567" in rows[0][1]
    assert "No record" in rows[1][1] and "mule@example.com" in rows[1][1]
    one_type = web.post(
        "/web/fraud/check/batch", data={"csrf": csrf, "values": "91234567\n+852 9123 4567", "batch_type": "phone"}
    )
    assert one_type.status_code == 200 and one_type.text.count("Medium risk") == 2
    lines = f"phone {PHONE}\nphone 12345\nfax 123"
    bad = web.post("/web/fraud/check/batch", data={"csrf": csrf, "values": lines, "batch_type": ""})
    assert bad.status_code == 422 and "Line 2:" in bad.text and "Line 3:" in bad.text and "Line 1:" not in bad.text
    assert "unknown identifier kind &#39;fax&#39;" in bad.text and f"phone {PHONE}" in bad.text  # the lines kept
    assert "Medium risk" not in bad.text  # all or nothing
    too_many = "\n".join(f"9123 {4000 + i:04d}" for i in range(101))
    refused = web.post("/web/fraud/check/batch", data={"csrf": csrf, "values": too_many, "batch_type": "phone"})
    assert refused.status_code == 422 and "At most 100 lines" in refused.text
    wrong_type = web.post("/web/fraud/check/batch", data={"csrf": csrf, "values": PHONE, "batch_type": "fax"})
    assert wrong_type.status_code == 422 and "Choose the type of identifier." in wrong_type.text
    empty = web.post("/web/fraud/check/batch", data={"csrf": csrf, "values": " \n ", "batch_type": "phone"})
    assert empty.status_code == 422


def test_the_identifier_page_shows_own_reports_in_full_and_never_another_organisations(
    web: TestClient, world: World, users: dict[str, str]
) -> None:
    ident = _report(world, "bank-a", "bank-account", ACCOUNT, notes=NOTE_A, amount_band="100k-1m", confidence=90)
    _report(world, "bank-b", "bank-account", ACCOUNT, notes=NOTE_B, amount_band="over-10m", scam_type="romance")
    _as(web, users, "alice")
    page = web.get(f"/web/fraud/identifiers/{ident}")
    assert page.status_code == 200
    text = page.text
    own = text[text.index('id="own-heading"') : text.index('id="report-heading"')]
    assert NOTE_A in own and "HK$100,000 to HK$1 million" in own and ">90<" in own
    assert "Over HK$10 million" not in own  # bank-b's amount
    assert NOTE_B not in text and not _names(text, "bank-b")
    assert ident in text and "004-123-456789001" in text and "bank-account" in text
    assert _risk(text) == "High risk" and "&lt; 3" in text
    assert "Romance" in text  # the check reveals the scam types, not who reported them
    history = re.findall(r'<tr><th scope="row">(\d{4}-\d{2})[^<]*</th><td><span class="risk-tag[^"]*">([^<]+)', text)
    assert len(history) == 12 and history[-1] == ("2027-01", "High risk") and history[0][1] == "No record"
    assert 'role="img"' in text and "<desc" in text  # the strip is described for screen readers
    _as(web, users, "bob")  # bank-b's reader sees bank-b's report, not bank-a's
    text = web.get(f"/web/fraud/identifiers/{ident}").text
    assert NOTE_B in text and NOTE_A not in text and not _names(text, "bank-a")


def test_notes_are_shown_as_text(web: TestClient, world: World, users: dict[str, str]) -> None:
    ident = _report(world, "bank-a", "phone", PHONE, notes="<script>alert(1)</script> fake courier")
    _as(web, users, "alice")
    text = web.get(f"/web/fraud/identifiers/{ident}").text
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; fake courier" in text


def test_an_identifier_nobody_reported_is_not_found(web: TestClient, world: World, users: dict[str, str]) -> None:
    _as(web, users, "alice")
    unreported = normalise("phone", "+852 6123 4567").id
    pages = [
        web.get(f"/web/fraud/identifiers/{unreported}"),
        web.get("/web/fraud/identifiers/phone-number--00000000-0000-4000-8000-000000000000"),
        web.get("/web/fraud/identifiers/" + "x" * 2000),
        web.get("/web/fraud/identifiers/%27%20OR%201=1--"),
    ]
    assert {p.status_code for p in pages} == {404}
    assert len({p.text for p in pages}) == 1 and "No organisation has reported" in pages[0].text
    sent = web.post(
        f"/web/fraud/identifiers/{unreported}/report",
        data={"csrf": csrf_of(web.get("/web/fraud/check")), "scam_type": "romance", "role": "caller"},
    )
    assert sent.status_code == 404  # the page reports known identifiers; new ones go through the API


def test_a_publisher_reports_from_the_identifier_page(
    web: TestClient, world: World, users: dict[str, str], clock: Clock
) -> None:
    ident = _report(world, "bank-b", "e-wallet", "PayMe 9123 4567")
    _as(web, users, "alice")
    page = web.get(f"/web/fraud/identifiers/{ident}")
    assert 'name="scam_type"' in page.text and "Your organisation has not reported this identifier." in page.text
    form = {
        "csrf": csrf_of(page),
        "scam_type": "shopping",
        "role": "receiving-account",
        "reported": "2027-01-10",
        "amount_band": "10k-100k",
        "confidence": "75",
        "notes": "concert tickets never sent",
    }
    sent = web.post(f"/web/fraud/identifiers/{ident}/report", data=form, follow_redirects=False)
    assert sent.status_code == 303
    after = web.get(sent.headers["location"]).text
    assert "concert tickets never sent" in after and "2027-01-10" in after and "Online shopping" in after
    with read_transaction(world.hub.engine) as conn:
        mine = store.own_reports(conn, ident, world.org_ids["bank-a"])
    assert [(r.scam_type, r.amount_band, r.confidence) for r in mine] == [("shopping", "10k-100k", 75)]
    for bad, reason in (
        ({"notes": "victim HKID A123456(7)"}, "HKID"),
        ({"confidence": "101"}, "Confidence is a whole number"),
        ({"confidence": "ninety"}, "Confidence is a whole number"),
        ({"scam_type": "astrology"}, "unknown scam type"),
        ({"role": "accomplice"}, "unknown role"),
        ({"amount_band": "a lot"}, "unknown amount band"),
        ({"reported": "2031-01-01"}, "in the future"),
        ({"notes": "n" * 2001}, "2000"),
    ):
        refused = web.post(f"/web/fraud/identifiers/{ident}/report", data={**form, **bad})
        assert refused.status_code == 422 and reason in refused.text, (bad, refused.text[-600:])
    with read_transaction(world.hub.engine) as conn:
        assert len(store.own_reports(conn, ident, world.org_ids["bank-a"])) == 1


def test_readers_do_not_report(web: TestClient, world: World, users: dict[str, str]) -> None:
    ident = _report(world, "bank-a", "phone", PHONE)
    _as(web, users, "bob")
    page = web.get(f"/web/fraud/identifiers/{ident}")
    assert page.status_code == 200 and 'name="scam_type"' not in page.text
    sent = web.post(
        f"/web/fraud/identifiers/{ident}/report",
        data={"csrf": csrf_of(page), "scam_type": "romance", "role": "caller"},
    )
    assert sent.status_code == 403
    with read_transaction(world.hub.engine) as conn:
        assert len(store.facts_of(conn, ident)) == 1


def test_fraud_is_in_everyones_menu(web: TestClient, world: World, users: dict[str, str]) -> None:
    for name in ("alice", "bob"):
        _as(web, users, name)
        assert '<a href="/web/fraud/check">Fraud</a>' in web.get("/web/").text


def test_the_dashboard_panel_names_a_scam_type_only_when_three_organisations_reported_it(
    web: TestClient, world: World, users: dict[str, str]
) -> None:
    for org in ("bank-a", "bank-b", "bank-c"):
        _report(world, org, "phone", PHONE, scam_type="investment")
    _report(world, "bank-a", "bank-account", ACCOUNT, scam_type="romance")
    _report(world, "bank-b", "bank-account", ACCOUNT, scam_type="romance")
    _report(world, "bank-c", "email", "old@example.com", scam_type="loan", reported="2026-06-01")  # too old
    _as(web, users, "bob")
    home = web.get("/web/").text
    panel = home[home.index('id="fraud-heading"') : home.index('id="advisories-heading"')]
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td></tr>', panel))
    assert rows == {"Investment": "3", "Other types": "2"}
    assert "Romance" not in panel and "Loan" not in panel
    assert "<strong>2</strong> identifiers reported in these days are at high risk now." in panel
    assert "Your organisation filed <strong>2</strong> reports." in panel  # bank-b's own
    assert 'href="/web/fraud/check"' in panel and 'role="img"' in panel


def test_the_dashboard_panel_with_no_reports(web: TestClient, world: World, users: dict[str, str]) -> None:
    _as(web, users, "alice")
    home = web.get("/web/")
    assert home.status_code == 200 and "No fraud reports in these days." in home.text
