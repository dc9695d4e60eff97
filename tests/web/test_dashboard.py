"""The dashboard (GET /web/, hub.dashboard): every count through the reader's Visibility, sightings
under the three-organisation rule, charts as escaped SVG with data tables."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.schema import CreateIndex

from lionrock.access.model import Audience, AudienceNames, Role
from lionrock.access.policy import visibility_for
from lionrock.hub import advisories as adv
from lionrock.hub.dashboard import Dashboard, dashboard, week_starts
from lionrock.hub.publish import PublishRequest, delete, publish
from lionrock.hub.users import add_user, check_password, set_language
from lionrock.stix.observable_kinds import observable_kind
from lionrock.stix.tlp import Tlp
from lionrock.store.dashboard import counts as store_counts
from lionrock.store.schema import objects
from lionrock.web.charts import TLP_SERIES, horizontal_bars, stacked_bars
from tests.conftest import World
from tests.factories import T0, indicator, new_id, relationship, sighting
from tests.web.conftest import Clock
from tests.web.helpers import sign_in

COMMUNITY = Audience(community=True)
XSS = "<script>alert(1)</script>"


def _audience(world: World, *, group: str | None = None, orgs: tuple[str, ...] = ()) -> Audience:
    if group:
        return Audience(group_ids=frozenset({world.group_ids[group]}))
    return Audience(org_ids=frozenset(world.org_ids[o] for o in orgs))


def _pub(world: World, who: str, objs: list[dict[str, Any]], tlp: Tlp, audience: Audience = COMMUNITY) -> None:
    result = publish(world.hub, world.principals[who], PublishRequest(objs, audience, tlp))
    assert len(result.stored) == len(objs), result


def _technique(name: str = "Phishing", attack_id: str = "T1566") -> dict[str, Any]:
    return {
        "type": "attack-pattern",
        "spec_version": "2.1",
        "id": new_id("attack-pattern"),
        "created": T0,
        "modified": T0,
        "name": name,
        "external_references": [{"source_name": "mitre-attack", "external_id": attack_id}],
        "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
    }


@pytest.fixture
def scene(world: World, clock: Clock) -> dict[str, Any]:
    """bank-a shares an IPv4 indicator with everyone, a domain with the circle {bank-a, bank-b} and
    an e-mail at RED with bank-c alone; bank-c shares a URL with everyone."""
    ip = indicator("198.51.100.1", name=XSS)
    domain = indicator(pattern="[domain-name:value = 'evil.example']")
    email = indicator(pattern="[email-addr:value = 'boss@evil.example']")
    url = indicator(pattern="[url:value = 'http://evil.example/x']")
    tech = _technique(name="Phishing " + XSS)
    _pub(world, "bank-a", [ip, tech], Tlp.GREEN)
    _pub(world, "bank-a", [domain], Tlp.AMBER, _audience(world, group="circle"))
    _pub(world, "bank-a", [email], Tlp.RED, _audience(world, orgs=("bank-c",)))
    _pub(world, "bank-c", [url], Tlp.GREEN)
    _pub(world, "bank-a", [relationship(ip["id"], tech["id"]), relationship(domain["id"], tech["id"])], Tlp.GREEN)
    _pub(world, "bank-a", [relationship(email["id"], tech["id"])], Tlp.RED, _audience(world, orgs=("bank-c",)))
    return {"ip": ip, "domain": domain, "email": email, "url": url, "tech": tech}


def _board(world: World, who: str, clock: Clock) -> Dashboard:
    return dashboard(world.hub, world.principals[who], clock.now)


def _kinds(board: Dashboard) -> dict[str, int]:
    return dict(board.indicator_kinds)


def _received(board: Dashboard, tlp: Tlp) -> int:
    return sum(w.counts[tlp.value] for w in board.weeks)


def test_bank_b_never_counts_what_bank_a_sent_bank_c_at_red(world: World, clock: Clock, scene: dict[str, Any]) -> None:
    b, c = _board(world, "bank-b", clock), _board(world, "bank-c", clock)
    assert _kinds(b)["email"] == 0 and _kinds(c)["email"] == 1
    assert _received(b, Tlp.RED) == 0 and _received(c, Tlp.RED) == 2  # the indicator and its relationship
    assert [t.uses for t in b.techniques] == [2] and [t.uses for t in c.techniques] == [2]


def test_bank_c_never_counts_what_bank_a_sent_the_circle(world: World, clock: Clock, scene: dict[str, Any]) -> None:
    b, c = _board(world, "bank-b", clock), _board(world, "bank-c", clock)
    assert _kinds(b)["domain"] == 1 and _kinds(c)["domain"] == 0
    assert _received(b, Tlp.AMBER) == 1 and _received(c, Tlp.AMBER) == 0
    assert _kinds(b) == {"ipv4": 1, "ipv6": 0, "domain": 1, "url": 1, "file hash": 0, "email": 0, "other": 0}
    assert _kinds(c) == {"ipv4": 1, "ipv6": 0, "domain": 0, "url": 1, "file hash": 0, "email": 1, "other": 0}


def test_received_leaves_out_the_readers_own_objects(world: World, clock: Clock, scene: dict[str, Any]) -> None:
    a = _board(world, "bank-a", clock)
    assert sum(w.total for w in a.weeks) == 1  # bank-c's URL only
    b = _board(world, "bank-b", clock)
    assert sum(w.total for w in b.weeks) == 6  # ip, technique, domain, url and two relationships; no RED
    assert a.visible_objects > 0


def test_techniques_carry_their_attack_id_and_tactic(world: World, clock: Clock, scene: dict[str, Any]) -> None:
    (t,) = _board(world, "bank-b", clock).techniques
    assert (t.attack_id, t.tactics, t.stix_id) == ("T1566", ("initial-access",), scene["tech"]["id"])


PATTERNS = [
    "[ipv4-addr:value = '10.0.0.1']",
    "[ipv6-addr:value = '2001:db8::1']",
    "([domain-name:value = 'a.example'] AND [url:value = 'http://a.example/'])",
    "[(file:hashes.'SHA-256' = 'aa' OR file:name = 'x.exe')]",
    "[email-message:subject = 'hi']",
    "[network-traffic:dst_port = 443]",
    "[ x509-certificate:serial_number = '01' ]",
]


def test_the_sql_kind_of_a_pattern_agrees_with_the_parser(world: World, clock: Clock) -> None:
    objs = [indicator(pattern=p) for p in PATTERNS]
    objs.append(indicator(pattern="title: x\ndetection: y", pattern_type="sigma"))
    _pub(world, "bank-a", objs, Tlp.GREEN)
    expected: dict[str, int] = {}
    for o in objs:
        kind = observable_kind(o["pattern"], o["pattern_type"])
        expected[kind] = expected.get(kind, 0) + 1
    got = {k: n for k, n in _kinds(_board(world, "bank-b", clock)).items() if n}
    assert got == expected
    assert got["file hash"] == 1 and got["other"] == 3


def _sight(world: World, who: str, of: str) -> None:
    _pub(world, who, [sighting(of)], Tlp.AMBER)


def test_sightings_show_counts_from_three_organisations_and_never_who(
    world: World, clock: Clock, scene: dict[str, Any]
) -> None:
    ip, url = scene["ip"]["id"], scene["url"]["id"]
    for org in ("bank-b", "bank-c", "police"):
        _sight(world, org, ip)  # bank-a's indicator, 3 organisations
    for org in ("bank-a", "bank-b"):
        _sight(world, org, url)  # bank-c's indicator, 2 organisations
    hkma = {s.stix_id: s for s in _board(world, "hkma", clock).sightings}
    assert hkma[ip].organisations == 3 and hkma[ip].reports == 3
    assert url not in hkma  # below the rule, not reported by hkma, not its own: not even listed
    bank_b = {s.stix_id: s for s in _board(world, "bank-b", clock).sightings}
    assert bank_b[url].organisations is None and bank_b[url].reports is None and bank_b[url].yours
    assert bank_b[url].last_added is None
    owner = {s.stix_id: s for s in _board(world, "bank-c", clock).sightings}
    assert owner[url].organisations == 2  # the owner sees its own indicator's counts (policy)


def test_open_advisories_with_their_deadline(world: World, clock: Clock) -> None:
    req = adv.AdvisoryRequest(
        title="SMS " + XSS,
        summary="s",
        severity="high",
        audience=AudienceNames(orgs=("bank-b",)),
        deadline="2030-01-01T00:00:00Z",
        actions=(adv.Action("Warn customers"),),
    )
    adv.publish_advisory(world.hub, world.principals["hkma"], req)
    b = _board(world, "bank-b", clock)
    assert [(a["title"], a["deadline"]) for a in b.advisories] == [("SMS " + XSS, "2030-01-01T00:00:00Z")]
    assert _board(world, "bank-c", clock).advisories == []


def test_weeks_start_on_monday_in_hong_kong() -> None:
    # 2026-11-23 is a Monday; 00:30 in Hong Kong is 2026-11-22 16:30 UTC
    monday_hk = 1_795_363_200_000_000  # 2026-11-23 00:00 HKT (2026-11-22 16:00 UTC), in µs
    starts = week_starts(monday_hk + 30 * 60 * 1_000_000, 3)
    assert starts[-1] == monday_hk and starts[0] == monday_hk - 14 * 86_400 * 1_000_000
    assert week_starts(monday_hk - 1, 1) == [monday_hk - 7 * 86_400 * 1_000_000]


# --- the page ------------------------------------------------------------------------------------


def _page(web: TestClient, world: World, name: str, org: str, query: str = "") -> str:
    password = add_user(world.hub, org, name, Role.READER).password
    web.cookies.clear()
    sign_in(web, name, password)
    response = web.get("/web/" + query)
    assert response.status_code == 200, response.text
    return response.text


def _table_cells(html: str, caption: str) -> list[list[str]]:
    table = html.split(caption, 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S) for r in rows]


def test_the_page_shows_bank_bs_numbers_not_bank_cs(
    web: TestClient, world: World, clock: Clock, scene: dict[str, Any]
) -> None:
    b = _page(web, world, "bea", "bank-b")
    c = _page(web, world, "cai", "bank-c")
    kinds_b = dict((r[0], r[1]) for r in _table_cells(b, "Data table: indicator types")[1:])
    kinds_c = dict((r[0], r[1]) for r in _table_cells(c, "Data table: indicator types")[1:])
    assert kinds_b["Domain name"] == "1" and kinds_c["Domain name"] == "0"
    assert kinds_b["E-mail"] == "0" and kinds_c["E-mail"] == "1"
    assert "may see <strong>" in b  # the visible-object count is still on the page


def test_the_page_escapes_stix_text_in_charts_and_tables(
    web: TestClient, world: World, clock: Clock, scene: dict[str, Any]
) -> None:
    for org in ("bank-b", "bank-c", "police"):
        _sight(world, org, scene["ip"]["id"])
    html = _page(web, world, "bea", "bank-b")
    assert XSS not in html
    assert "Phishing &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('role="img"') == 3 and "<title id=" in html and "<desc id=" in html


def test_weeks_must_be_a_small_whole_number(web: TestClient, world: World, clock: Clock) -> None:
    html = _page(web, world, "bea", "bank-b", "?weeks=4")
    assert len(_table_cells(html, "Data table: intelligence received by week and TLP")) == 5  # header + 4
    for bad in ("abc", "0", "53", "-1", "1e3", "４"):
        assert web.get(f"/web/?weeks={bad}").status_code == 400


def test_the_dashboard_needs_a_session(web: TestClient) -> None:
    response = web.get("/web/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/web/login"


def test_charts_escape_every_text_and_never_rely_on_colour_alone() -> None:
    svg = str(stacked_bars("t", "<b>", "&", ["<x>"], TLP_SERIES, [[1, 0, 2, 0, 3]]))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&amp;" in svg and "&lt;x&gt;" in svg
    assert svg.count("<pattern ") == len(TLP_SERIES)  # each level has a pattern of its own
    assert "TLP:RED" in svg and "TLP:CLEAR" in svg  # names in the legend, as text
    bars = str(horizontal_bars("h", "t", "d", [("<i>", 5)]))
    assert "&lt;i&gt;" in bars and ">5<" in bars
    with pytest.raises(ValueError):
        stacked_bars('x" onload="1', "t", "d", [], TLP_SERIES, [])


def test_counts_follow_every_publish_and_delete(world: World, clock: Clock, scene: dict[str, Any]) -> None:
    """The counts are cached per reader and state of the objects: never stale."""
    before = _board(world, "bank-b", clock)
    extra = indicator(pattern="[url:value = 'http://more.example/']")
    _pub(world, "bank-c", [extra], Tlp.GREEN)
    after = _board(world, "bank-b", clock)
    assert _kinds(after)["url"] == _kinds(before)["url"] + 1
    assert after.visible_objects == before.visible_objects + 1
    assert delete(world.hub, world.principals["bank-c"], extra["id"]) == 1
    again = _board(world, "bank-b", clock)
    assert _kinds(again)["url"] == _kinds(before)["url"] and again.visible_objects == before.visible_objects


def test_the_kind_count_reads_the_expression_index(world: World) -> None:
    """The migration builds the index schema.py declares, and the dashboard's query uses it."""
    engine = world.hub.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("the plan check reads SQLite's EXPLAIN QUERY PLAN")
    statements: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        statements.append((statement, params))

    with engine.connect() as conn:
        (made,) = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_objects_indicator_kind'").one()
        declared = next(i for i in objects.indexes if i.name == "ix_objects_indicator_kind")
        expected = str(CreateIndex(declared).compile(dialect=engine.dialect))
        assert " ".join(made.split()) == " ".join(expected.split())
        event.listen(conn, "before_cursor_execute", keep)
        store_counts(conn, visibility_for(world.principals["bank-b"]), 0, 1, ["ipv4-addr"])
        event.remove(conn, "before_cursor_execute", keep)
        statement, params = statements[-1]
        plan = " ".join(str(r) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
    assert "USING INDEX ix_objects_indicator_kind" in plan


def test_the_chinese_dashboard_is_in_chinese(web: TestClient, world: World, clock: Clock) -> None:
    password = add_user(world.hub, "bank-b", "mei", Role.READER).password
    set_language(world.hub, check_password(world.hub, "mei", password), "zh-HK")
    sign_in(web, "mei", password)
    html = web.get("/web/").text
    assert "儀表板" in html and "指標類型" in html and "未結束的警示" in html
