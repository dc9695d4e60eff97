"""/web/search: only what the viewer's organisation may see, defanged observables, filters, paging,
escaping, and clear 400 pages for bad parameters."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import Role
from lionrock.hub.users import add_user
from lionrock.stix.sco_ids import deterministic_id
from lionrock.stix.tlp import Tlp
from tests.conftest import World
from tests.factories import indicator, malware
from tests.web.helpers import sign_in
from tests.web.objects_helpers import put

_LINK = re.compile(r'href="/web/objects/([^"/]+)"')


def found(page_text: str) -> set[str]:
    return set(_LINK.findall(page_text))


@pytest.fixture
def carol(world: World) -> str:
    """A reader at bank-c, outside the circle group."""
    return add_user(world.hub, "bank-c", "carol", Role.READER).password


def test_another_orgs_amber_to_circle_object_is_not_found_by_bank_c(
    web: TestClient, world: World, passwords: dict[str, str], carol: str
) -> None:
    secret = indicator("1.2.3.4", name="Circle-only loader C2")
    public = indicator("1.2.3.5", name="Community loader C2")
    put(world, "bank-a", secret, tlp=Tlp.AMBER, groups=("circle",))
    put(world, "bank-a", public, tlp=Tlp.GREEN, community=True)

    sign_in(web, "carol", carol)
    for params in ({}, {"q": "loader"}, {"observable": "1.2.3.4"}, {"q": "1.2.3[.]4"}, {"producer": "bank-a"}):
        page = web.get("/web/search", params=params)
        assert page.status_code == 200
        assert secret["id"] not in page.text and "Circle-only" not in page.text, params
    assert public["id"] in found(web.get("/web/search", params={"q": "loader"}).text)

    web.cookies.clear()
    sign_in(web, "bob", passwords["bob"])  # bank-b is in the circle
    assert {secret["id"], public["id"]} <= found(web.get("/web/search", params={"q": "loader"}).text)


def test_a_defanged_ip_finds_the_indicator_by_its_pattern(
    web: TestClient, world: World, passwords: dict[str, str]
) -> None:
    wanted = indicator("1.2.3.4", name="plain name")
    near = indicator("1.2.3.45", name="another")
    second = indicator("9.9.9.9", pattern="[ipv4-addr:value = '9.9.9.9' OR ipv4-addr:value = '1.2.3.4']", name="x")
    sco: dict[str, object] = {"type": "ipv4-addr", "spec_version": "2.1", "value": "1.2.3.4"}
    sco["id"] = deterministic_id(sco)
    put(world, "bank-a", wanted, near, second, sco, tlp=Tlp.AMBER, groups=("circle",))
    sign_in(web, "bob", passwords["bob"])
    for params in (
        {"observable": "1.2.3[.]4"},
        {"q": "1.2.3[.]4"},
        {"q": " 1[.]2[.]3[.]4 "},
        {"observable": "1.2.3.4"},
    ):
        page = web.get("/web/search", params=params)
        assert page.status_code == 200
        assert found(page.text) == {wanted["id"], second["id"], sco["id"]}, params  # not 1.2.3.45
    assert "1.2.3.4" in web.get("/web/search", params={"q": "1.2.3[.]4"}).text


def test_other_observables_are_normalised(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    url = indicator("x", pattern="[url:value = 'http://evil.example/login']", name="u")
    mail = indicator("x", pattern="[email-addr:value = 'boss@evil.example']", name="m")
    phone = indicator("x", pattern="[x-hk-phone-number:value = '+85291234567']", name="p")
    digest = "d41d8cd98f00b204e9800998ecf8427e"
    file_hash = indicator("x", pattern=f"[file:hashes.MD5 = '{digest}']", name="h")
    put(world, "bank-a", url, mail, phone, file_hash, community=True)
    sign_in(web, "bob", passwords["bob"])
    cases = {
        "hxxp://evil[.]example/login": url,
        "boss[@]evil[.]example": mail,
        "9123 4567": phone,
        "+852 9123-4567": phone,
        digest.upper(): file_hash,
    }
    for pasted, obj in cases.items():
        assert found(web.get("/web/search", params={"observable": pasted}).text) == {obj["id"]}, pasted


def test_filters_type_tlp_producer_and_dates(
    web: TestClient, world: World, passwords: dict[str, str], clock: object
) -> None:
    green = indicator("5.5.5.5", name="g")
    amber = malware("AmberWorm")
    put(world, "bank-a", green, tlp=Tlp.GREEN, community=True)
    put(world, "bank-b", amber, tlp=Tlp.AMBER, groups=("circle",))
    hidden_producer = malware("SecretSender")
    put(world, "bank-b", hidden_producer, tlp=Tlp.GREEN, community=True, anonymous=True)
    sign_in(web, "alice", passwords["alice"])

    def ids(**params: str) -> set[str]:
        page = web.get("/web/search", params=params)
        assert page.status_code == 200, page.text
        return found(page.text)

    assert ids(type="malware") == {amber["id"], hidden_producer["id"]}
    assert ids(tlp="amber") == {amber["id"]}
    assert ids(producer="bank-b") == {amber["id"]}  # never its anonymous submission
    assert ids(producer="anonymous") == {hidden_producer["id"]}
    assert ids(producer="bank-a") == {green["id"]}
    # the clock fixture is 2027-01-15 (UTC) for every publish
    assert ids(**{"from": "2027-01-15", "to": "2027-01-15"}) == {green["id"], amber["id"], hidden_producer["id"]}
    assert ids(**{"from": "2027-01-16"}) == set()
    assert ids(**{"to": "2027-01-14"}) == set()
    # modified: the objects say 2026-01-01T00:00Z, which is 08:00 on 1 January in Hong Kong
    assert ids(date="modified", **{"from": "2026-01-01", "to": "2026-01-01"}) == {
        green["id"],
        amber["id"],
        hidden_producer["id"],
    }
    assert ids(date="modified", **{"to": "2025-12-31"}) == set()


def test_anonymous_producer_is_shown_as_anonymous(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    put(world, "bank-b", malware("Whisper"), tlp=Tlp.GREEN, community=True, anonymous=True)
    sign_in(web, "alice", passwords["alice"])
    page = web.get("/web/search", params={"q": "whisper"})
    assert "Whisper" in page.text and 'class="producer anonymous"' in page.text
    row = page.text.split("Whisper", 1)[1].split("</tr>", 1)[0]
    assert "bank-b" not in row


def test_paging_walks_every_result_once(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    made = [indicator(f"10.0.0.{i}", name=f"paged {i}") for i in range(7)]
    put(world, "bank-a", *made, community=True)
    sign_in(web, "bob", passwords["bob"])
    seen: list[str] = []
    url: str | None = "/web/search?q=paged&limit=3"
    pages = 0
    while url:
        page = web.get(url)
        assert page.status_code == 200
        seen += _LINK.findall(page.text)
        nxt = re.search(r'href="(/web/search\?[^"]+)" rel="next"', page.text)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
        pages += 1
    assert pages == 3 and sorted(seen) == sorted(o["id"] for o in made) and len(seen) == 7
    first = _LINK.findall(web.get("/web/search?q=paged&limit=3").text)
    assert first == [o["id"] for o in reversed(made)][:3]  # newest first


XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def test_hostile_names_and_descriptions_render_as_text(
    web: TestClient, world: World, passwords: dict[str, str]
) -> None:
    for payload in XSS:
        put(world, "bank-a", {**malware(payload), "description": payload}, community=True)
    sign_in(web, "bob", passwords["bob"])
    for params in ({}, {"q": "alert(1)"}, {"q": XSS[1][:30]}, {"observable": XSS[0]}):
        page = web.get("/web/search", params=params)
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in web.get("/web/search").text


@pytest.mark.parametrize(
    "params",
    [
        {"from": "yesterday"},
        {"to": "2026-13-01"},
        {"to": "9999-12-31"},
        {"from": "0001-01-01"},
        {"from": "2026-1-1"},
        {"from": "2026-02-02", "to": "2026-02-01"},
        {"tlp": "purple"},
        {"limit": "ten"},
        {"limit": "0"},
        {"limit": "100000"},
        {"limit": "-1"},
        {"q": "x" * 5000},
        {"observable": "1" * 3000},
        {"type": "<script>"},
        {"producer": "no-such-bank"},
        {"cursor": "not-a-cursor"},
        {"date": "published"},
        {"q": "a b c d e f g h i j k l m n o p"},
    ],
)
def test_bad_parameters_are_a_clear_400_page(
    web: TestClient, passwords: dict[str, str], params: dict[str, str]
) -> None:
    sign_in(web, "bob", passwords["bob"])
    page = web.get("/web/search", params=params)
    assert page.status_code == 400, (params, page.status_code)
    assert "text/html" in page.headers["content-type"]
    assert '<p class="error">' in page.text and "<script>" not in page.text


def test_a_repeated_field_and_a_nul_are_refused(web: TestClient, passwords: dict[str, str]) -> None:
    sign_in(web, "bob", passwords["bob"])
    assert web.get("/web/search?tlp=red&tlp=green").status_code == 400
    assert web.get("/web/search?q=nul%00byte").status_code == 400  # refused at the hub's door


def test_search_needs_a_session(web: TestClient) -> None:
    answer = web.get("/web/search", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/web/login"


def test_the_search_page_speaks_chinese(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    from tests.web.helpers import csrf_of

    put(world, "bank-a", indicator("7.7.7.7"), tlp=Tlp.AMBER, community=True)
    sign_in(web, "bob", passwords["bob"])
    web.post("/web/language", data={"csrf": csrf_of(web.get("/web/")), "language": "zh-HK"})
    page = web.get("/web/search")
    assert page.status_code == 200 and "搜尋" in page.text and "TLP:AMBER" in page.text
