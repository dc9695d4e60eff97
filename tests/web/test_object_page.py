"""/web/objects/{id}: the object for people, under the policy; hidden and absent ids get the very
same 404; TLP banners; escaping; versions with a diff; relationships; export of what is visible."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import Role
from lionrock.hub.users import add_user
from lionrock.stix.tlp import Tlp
from lionrock.web.graph import Edge, Node, relationship_graph
from lionrock.web.objectview import diff, properties, title_of
from tests.conftest import World
from tests.factories import indicator, malware, newer, relationship, sighting
from tests.web.helpers import csrf_of, sign_in
from tests.web.objects_helpers import put


@pytest.fixture
def carol(world: World) -> str:
    return add_user(world.hub, "bank-c", "carol", Role.READER).password


def test_hidden_and_absent_objects_get_the_same_404(
    web: TestClient, world: World, passwords: dict[str, str], carol: str
) -> None:
    secret = indicator("1.2.3.4", name="circle secret")
    put(world, "bank-a", secret, tlp=Tlp.AMBER, groups=("circle",))
    absent = "indicator--00000000-0000-4000-8000-000000000000"
    sign_in(web, "carol", carol)
    hidden_page = web.get(f"/web/objects/{secret['id']}")
    absent_page = web.get(f"/web/objects/{absent}")
    assert hidden_page.status_code == absent_page.status_code == 404
    assert hidden_page.text == absent_page.text
    assert "circle secret" not in hidden_page.text and secret["id"] not in hidden_page.text
    hidden_export = web.get(f"/web/objects/{secret['id']}/export.json")
    absent_export = web.get(f"/web/objects/{absent}/export.json")
    assert hidden_export.status_code == absent_export.status_code == 404
    assert hidden_export.text == absent_export.text == hidden_page.text

    web.cookies.clear()
    sign_in(web, "bob", passwords["bob"])
    assert web.get(f"/web/objects/{secret['id']}").status_code == 200


@pytest.mark.parametrize(
    "bad", ["nothing", "indicator--not-a-uuid", "INDICATOR--00000000-0000-4000-8000-000000000000", "a" * 400, "%3Cb%3E"]
)
def test_malformed_ids_are_a_clean_404(web: TestClient, passwords: dict[str, str], bad: str) -> None:
    sign_in(web, "bob", passwords["bob"])
    answer = web.get(f"/web/objects/{bad}")
    assert answer.status_code == 404 and "text/html" in answer.headers["content-type"]
    assert "<b>" not in answer.text


@pytest.mark.parametrize(
    ("tlp", "label", "css", "words"),
    [
        (Tlp.RED, "TLP:RED", "tlp-red", "For the eyes and ears of individual recipients only"),
        (Tlp.AMBER, "TLP:AMBER", "tlp-amber", "within their organisation and its clients"),
        (Tlp.AMBER_STRICT, "TLP:AMBER+STRICT", "tlp-amber-strict", "need-to-know basis within their organisation."),
        (Tlp.GREEN, "TLP:GREEN", "tlp-green", "recipients can spread this within their community"),
        (Tlp.CLEAR, "TLP:CLEAR", "tlp-clear", "Recipients can spread this to the world"),
    ],
)
def test_the_tlp_banner_says_what_the_reader_may_do(
    web: TestClient, world: World, passwords: dict[str, str], tlp: Tlp, label: str, css: str, words: str
) -> None:
    obj = malware("Banner")
    if tlp is Tlp.RED:
        put(world, "bank-a", obj, tlp=tlp, orgs=("bank-b",))
    else:
        put(world, "bank-a", obj, tlp=tlp, community=True)
    sign_in(web, "bob", passwords["bob"])
    page = web.get(f"/web/objects/{obj['id']}")
    assert page.status_code == 200
    banner = page.text.split('class="tlp-banner', 1)[1].split("</section>", 1)[0]
    assert banner.startswith(f' {css}"') and label in banner and words in banner
    web.post("/web/language", data={"csrf": csrf_of(page), "language": "zh-HK"})
    chinese = web.get(f"/web/objects/{obj['id']}").text
    banner = chinese.split('class="tlp-banner', 1)[1].split("</section>", 1)[0]
    assert label in banner and words not in banner and any("\u4e00" <= ch <= "\u9fff" for ch in banner)


def test_the_page_shows_properties_audience_and_producer(
    web: TestClient, world: World, passwords: dict[str, str]
) -> None:
    obj = indicator(
        "1.2.3.4",
        name="Loader C2",
        description="Seen in phishing",
        labels=["phishing"],
        valid_until="2027-01-01T00:00:00Z",
        kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": "command-and-control"}],
        external_references=[
            {"source_name": "good", "url": "https://example.org/report"},
            {"source_name": "bad", "url": "javascript:alert(1)"},
        ],
    )
    put(world, "bank-a", obj, tlp=Tlp.AMBER, groups=("circle",))
    sign_in(web, "bob", passwords["bob"])
    page = web.get(f"/web/objects/{obj['id']}").text
    for text in ("Loader C2", "Seen in phishing", "phishing", "mitre-attack: command-and-control", "circle", "bank-a"):
        assert text in page, text
    assert "[ipv4-addr:value = &#39;1.2.3.4&#39;]" in page
    assert 'href="https://example.org/report"' in page
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page  # text, not a link
    assert "<details" in page and "&#34;pattern&#34;" in page  # raw JSON on demand, escaped
    assert "2027-01-01 08:00 HKT" in page  # valid_until in Hong Kong time


def test_an_anonymous_submission_shows_anonymous(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    obj = malware("Quiet")
    put(world, "bank-b", obj, tlp=Tlp.GREEN, community=True, anonymous=True)
    sign_in(web, "alice", passwords["alice"])
    page = web.get(f"/web/objects/{obj['id']}").text
    release = page.split('<dl class="release">', 1)[1].split("</dl>", 1)[0]
    assert "anonymous" in release and "bank-b" not in release
    assert "bank-b" not in web.get(f"/web/objects/{obj['id']}/export.json").text


XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.mark.parametrize("payload", XSS)
def test_hostile_text_renders_escaped(web: TestClient, world: World, passwords: dict[str, str], payload: str) -> None:
    target = {**malware(payload), "description": payload, "aliases": [payload]}
    linked = indicator("4.4.4.4", name=payload)
    rel = relationship(linked["id"], target["id"], rtype="indicates")
    put(world, "bank-a", target, linked, rel, community=True)
    sign_in(web, "bob", passwords["bob"])
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    for oid in (target["id"], linked["id"], rel["id"]):
        page = web.get(f"/web/objects/{oid}")
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, oid
        assert escaped in page.text, oid
    graph = web.get(f"/web/objects/{target['id']}").text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "<script" not in graph and "<img" not in graph


def test_versions_show_a_diff(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    first = malware("Shifty")
    second = {**newer(first, "2026-02-01T00:00:00.000Z"), "name": "Shifty v2", "description": "now described"}
    put(world, "bank-a", first, community=True)
    put(world, "bank-a", second, community=True)
    sign_in(web, "bob", passwords["bob"])
    page = web.get(f"/web/objects/{first['id']}").text
    table = page.split('<table class="diff">', 1)[1].split("</table>", 1)[0]
    assert "&#34;Shifty&#34;" in table and "&#34;Shifty v2&#34;" in table
    assert "description" in table and "added" in table and "changed" in table and "modified" in table


def test_diff_is_property_by_property() -> None:
    old = {"a": 1, "b": [1], "c": "x", "d": True}
    new = {"a": 1, "b": [1, 2], "d": 1, "e": None}
    changes = {c.prop: (c.change, c.before, c.after) for c in diff(old, new)}
    assert changes == {
        "b": ("changed", "[1]", "[1, 2]"),
        "c": ("removed", '"x"', None),
        "d": ("changed", "true", "1"),
        "e": ("added", None, "null"),
    }


def test_relationships_list_and_graph_show_only_visible_objects(
    web: TestClient, world: World, passwords: dict[str, str], carol: str
) -> None:
    center = malware("Hub of it all")
    seen_by_all = indicator("2.2.2.2", name="public indicator")
    circle_only = indicator("3.3.3.3", name="circle indicator")
    put(world, "bank-a", center, seen_by_all, community=True)
    put(world, "bank-a", circle_only, tlp=Tlp.AMBER, groups=("circle",))
    rel_public = relationship(seen_by_all["id"], center["id"])
    rel_circle = relationship(circle_only["id"], center["id"])
    put(world, "bank-a", rel_public, community=True)
    put(world, "bank-a", rel_circle, community=True)  # its target is hidden from bank-c
    # bank-c's own relationship to the hidden indicator: visible to bank-c, the indicator is not
    own = relationship(center["id"], circle_only["id"], rtype="related-to")
    put(world, "bank-c", own, community=True)

    sign_in(web, "carol", carol)
    page = web.get(f"/web/objects/{center['id']}").text
    assert 'role="img"' in page and '<title id="graph-title">' in page
    assert "public indicator" in page
    assert "circle indicator" not in page and rel_circle["id"] not in page
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert circle_only["id"] not in svg and f'data-stix-id="{seen_by_all["id"]}"' in svg
    assert "<a " not in svg

    web.cookies.clear()
    sign_in(web, "bob", passwords["bob"])
    page = web.get(f"/web/objects/{center['id']}").text
    assert "circle indicator" in page and rel_circle["id"] in page
    assert own["id"] in page  # bank-c's relationship: both its ends are visible to bank-b


def test_export_holds_only_what_is_visible(
    web: TestClient, world: World, passwords: dict[str, str], carol: str
) -> None:
    center = malware("Exported")
    later = {**newer(center, "2026-03-01T00:00:00.000Z"), "description": "second version"}
    open_ind = indicator("6.6.6.6", name="open")
    closed_ind = indicator("6.6.6.7", name="closed")
    put(world, "bank-a", center, open_ind, community=True)
    put(world, "bank-a", later, community=True)
    put(world, "bank-a", closed_ind, tlp=Tlp.AMBER, groups=("circle",))
    rel_open = relationship(open_ind["id"], center["id"])
    rel_closed = relationship(closed_ind["id"], center["id"])
    put(world, "bank-a", rel_open, community=True)
    put(world, "bank-a", rel_closed, tlp=Tlp.AMBER, groups=("circle",))
    put(world, "bank-a", sighting(center["id"]), tlp=Tlp.AMBER, groups=("circle",))

    sign_in(web, "carol", carol)
    answer = web.get(f"/web/objects/{center['id']}/export.json")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == f'attachment; filename="{center["id"]}.json"'
    bundle = json.loads(answer.text)
    assert bundle["type"] == "bundle"
    got = [(o["id"], o.get("modified")) for o in bundle["objects"]]
    assert (center["id"], center["modified"]) in got and (center["id"], later["modified"]) in got
    assert rel_open["id"] in {i for i, _ in got}
    assert rel_closed["id"] not in answer.text and closed_ind["id"] not in answer.text
    assert "sighting--" not in answer.text

    web.cookies.clear()
    sign_in(web, "bob", passwords["bob"])
    ids = {o["id"] for o in web.get(f"/web/objects/{center['id']}/export.json").json()["objects"]}
    assert rel_closed["id"] in ids


def test_sightings_aggregate_respects_the_three_organisation_rule(
    web: TestClient, world: World, passwords: dict[str, str]
) -> None:
    target = indicator("8.8.4.4", name="sighted")
    put(world, "bank-a", target, community=True)
    put(world, "bank-b", sighting(target["id"]), community=True)
    sign_in(web, "bob", passwords["bob"])  # one organisation has sighted it: no counts for bank-b
    page = web.get(f"/web/objects/{target['id']}").text
    assert "three organisations" in page and "Times seen" not in page
    web.cookies.clear()
    sign_in(web, "alice", passwords["alice"])  # the owner sees its counts
    page = web.get(f"/web/objects/{target['id']}").text
    assert "Times seen" in page


def test_pure_helpers_escape_and_describe() -> None:
    svg = relationship_graph(
        Node("malware--1", "malware", "<b>x</b>"),
        [Node("indicator--2", "indicator", '"><script>')],
        [Edge("indicator--2", "malware--1", "<i>")],
        "t<itle",
        "d&esc",
    )
    assert "<b>" not in svg and "<script>" not in svg and "<i>" not in svg and "t&lt;itle" in svg
    assert title_of({"type": "indicator", "id": "indicator--1", "pattern": "[x]"}) == "[x]"
    props = {p.label: p for p in properties({"type": "x", "id": "x--1", "custom": {"a": 1}, "name": "n"})}
    assert props["Name"].value == "n" and props["custom"].value == '{"a": 1}'


def test_pages_hold_no_inline_script_or_style(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    center, other = malware("Styled"), indicator("5.6.7.8")
    put(world, "bank-a", center, other, relationship(other["id"], center["id"]), community=True)
    sign_in(web, "bob", passwords["bob"])
    for url in (f"/web/objects/{center['id']}", "/web/search", "/web/search?q=styled"):
        text = web.get(url).text
        assert "<svg" in text or "search" in url
        assert "<script" not in text and "<style" not in text and "style=" not in text, url


@pytest.mark.parametrize(
    ("tlp", "pseudonym", "level"),
    [
        (Tlp.CLEAR, False, "public"),
        (Tlp.GREEN, False, "internal"),
        (Tlp.AMBER, False, "confidential"),
        (Tlp.RED, False, "restricted"),
        (Tlp.CLEAR, True, "confidential"),  # personal data never leaves a record below confidential
        (Tlp.AMBER, True, "restricted"),  # ...and raises it one level
    ],
)
def test_the_page_shows_the_classification_raised_by_personal_data(
    web: TestClient, world: World, passwords: dict[str, str], tlp: Tlp, pseudonym: bool, level: str
) -> None:
    note = "victim [HKID-N3R56325H9EA51XB] phoned" if pseudonym else "no one named"
    obj = indicator("198.51.100.23", name="classified", description=note)
    if tlp is Tlp.RED:
        put(world, "bank-a", obj, tlp=tlp, orgs=("bank-b",))
    else:
        put(world, "bank-a", obj, tlp=tlp, community=True)
    sign_in(web, "alice", passwords["alice"])
    page = web.get(f"/web/objects/{obj['id']}")
    assert page.status_code == 200
    assert f'<dd class="classification">{level}' in page.text
    assert ("holds personal data" in page.text) is pseudonym
