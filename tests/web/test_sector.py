"""The regulator's sector view (GET /web/sector, hub.sector): regulators only, every count under the
three-organisation rule with complementary suppression, the same in the CSV export."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import Audience, AudienceNames, OrgKind, Role
from lionrock.errors import Forbidden
from lionrock.hub import advisories as adv
from lionrock.hub.members import add_org, authenticate, create_token
from lionrock.hub.publish import PublishRequest, publish
from lionrock.hub.sector import SectorTable, month_keys, sector_view
from lionrock.hub.users import add_user
from lionrock.stix.tlp import Tlp
from lionrock.web.sector import csv_safe
from tests.conftest import World
from tests.factories import indicator, sighting
from tests.web.conftest import Clock
from tests.web.helpers import sign_in

COMMUNITY = Audience(community=True)


def _advisory(world: World, title: str, orgs: tuple[str, ...] = ("bank-a", "bank-b", "bank-c")) -> str:
    req = adv.AdvisoryRequest(
        title=title,
        summary="s",
        severity="high",
        audience=AudienceNames(orgs=orgs),
        deadline="2030-01-01T00:00:00Z",
        actions=(adv.Action("Patch"),),
    )
    return adv.publish_advisory(world.hub, world.principals["hkma"], req)


def _answer(world: World, clock: Clock, advisory_id: str, org: str, exposure: str, hours: float) -> None:
    before = clock.now
    clock.advance(hours * 3600)
    adv.respond(world.hub, world.principals[org], advisory_id, adv.ResponseRequest(exposure))
    clock.now = before


def _table(world: World, clock: Clock, key: str) -> SectorTable:
    found = sector_view(world.hub, world.principals["hkma"], clock.now).table(key)
    assert found is not None
    return found


def _row(table: SectorTable, label: str) -> tuple[Any, ...]:
    (row,) = [r for r in table.rows if r.label == label]
    return row.cells


def test_only_the_regulator_may_see_the_sector(world: World, clock: Clock) -> None:
    for org in ("bank-a", "police", "ops"):
        with pytest.raises(Forbidden):
            sector_view(world.hub, world.principals[org], clock.now)
    assert sector_view(world.hub, world.principals["hkma"], clock.now).tables


def test_two_answers_show_as_fewer_than_three(world: World, clock: Clock) -> None:
    advisory_id = _advisory(world, "Two answers")
    _answer(world, clock, advisory_id, "bank-a", "affected", 2)
    _answer(world, clock, advisory_id, "bank-b", "not-affected", 4)
    assert _row(_table(world, clock, "acknowledgements"), "Two answers") == (None, None, None)
    exposure = _table(world, clock, "exposure")
    assert _row(exposure, "Two answers") == (None, None, None, None, None)  # four levels and the total
    _answer(world, clock, advisory_id, "bank-c", "affected", 6)
    assert _row(_table(world, clock, "acknowledgements"), "Two answers") == (3, 4.0, 6.0)
    # each level still covers fewer than 3 organisations; the row total (3) may show
    assert _row(_table(world, clock, "exposure"), "Two answers") == (None, None, None, None, 3)


def test_exposure_cells_are_never_derivable_from_a_total(world: World, clock: Clock) -> None:
    for n in range(3):
        add_org(world.hub, f"bank-{n + 4}", OrgKind.BANK)
        world.principals[f"bank-{n + 4}"] = authenticate(
            world.hub, create_token(world.hub, f"bank-{n + 4}", Role.ANALYST).secret
        )
    banks = ("bank-a", "bank-b", "bank-c", "bank-4", "bank-5", "bank-6")
    advisory_id = _advisory(world, "Six banks", banks)
    for org in banks[:4]:
        _answer(world, clock, advisory_id, org, "affected", 1)
    _answer(world, clock, advisory_id, "bank-5", "remediated", 1)  # alone: must stay hidden
    cells = _row(_table(world, clock, "exposure"), "Six banks")
    remediated, total = cells[3], cells[4]
    assert remediated is None and total == 5
    assert sum(1 for c in cells[:4] if c is None) >= 2  # a partner hidden with it, in the row


def test_contribution_by_kind_hides_kinds_of_one_organisation(world: World, clock: Clock) -> None:
    ind = indicator("198.51.100.9")
    for org in ("bank-a", "bank-b", "bank-c"):
        objs = [indicator(f"198.51.100.{len(org)}")]
        publish(world.hub, world.principals[org], PublishRequest(objs, COMMUNITY, Tlp.GREEN))
    publish(world.hub, world.principals["hkma"], PublishRequest([ind], COMMUNITY, Tlp.GREEN))
    publish(world.hub, world.principals["police"], PublishRequest([sighting(ind["id"])], COMMUNITY, Tlp.GREEN))
    table = _table(world, clock, "contribution")
    assert _row(table, "bank")[0] == 3
    assert _row(table, "regulator")[0] is None  # one regulator
    assert _row(table, "law-enforcement")[1] is None  # one police force
    assert table.total_row is not None
    # banks shown; regulator, police and operators hidden together, so the total may show
    assert table.total_row.cells[0] == 4
    assert [r.cells[0] for r in table.rows].count(None) >= 2


def test_activity_never_leaves_one_hidden_cell_in_a_row_or_column_with_a_shown_total(
    world: World, clock: Clock
) -> None:
    for org in ("bank-a", "bank-b", "bank-c", "hkma"):
        publish(world.hub, world.principals[org], PublishRequest([indicator()], COMMUNITY, Tlp.GREEN))
    table = _table(world, clock, "activity")
    grid = [list(r.cells) for r in table.rows]
    assert table.total_row is not None
    grid.append(list(table.total_row.cells))
    for line in [*grid, *zip(*grid, strict=True)]:
        if line[-1] is not None:
            assert sum(1 for c in line[:-1] if c is None) != 1
    months, _ = month_keys(clock.now)
    this_month = months.index(months[-1])
    assert _row(table, "bank")[this_month] == 3


# --- the pages and the CSV -----------------------------------------------------------------------


def _signed_in(web: TestClient, world: World, org: str) -> None:
    password = add_user(world.hub, org, f"user-{org}", Role.READER).password
    web.cookies.clear()
    assert sign_in(web, f"user-{org}", password).status_code == 303


@pytest.mark.parametrize("org", ["bank-a", "police", "ops"])
def test_the_pages_refuse_everyone_but_the_regulator(web: TestClient, world: World, org: str) -> None:
    _signed_in(web, world, org)
    assert web.get("/web/sector").status_code == 403
    assert web.get("/web/sector/exposure.csv").status_code == 403
    assert "/web/sector" not in web.get("/web/").text  # the menu hides it


def test_the_sector_needs_a_session(web: TestClient) -> None:
    for path in ("/web/sector", "/web/sector/exposure.csv"):
        response = web.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/web/login"


def _page_row(html: str, label: str) -> list[str]:
    row = re.search(r"<tr><th scope=\"row\">" + re.escape(label) + r"</th>(.*?)</tr>", html, re.S)
    assert row, label
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


def test_page_and_csv_show_the_same_suppression(web: TestClient, world: World, clock: Clock) -> None:
    advisory_id = _advisory(world, "Two answers")
    _answer(world, clock, advisory_id, "bank-a", "affected", 2)
    _answer(world, clock, advisory_id, "bank-b", "investigating", 3)
    _signed_in(web, world, "hkma")
    html = web.get("/web/sector").text
    assert _page_row(html, "Two answers")[:3] == ["&lt; 3"] * 3  # acknowledgements table comes first
    response = web.get("/web/sector/exposure.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Advisory" and rows[0][-1] == "Total"
    assert rows[1] == ["Two answers", "< 3", "< 3", "< 3", "< 3", "< 3"]
    assert _page_row(html.split('id="table-exposure"', 1)[1], "Two answers") == ["&lt; 3"] * 5


def test_csv_defuses_formulas(web: TestClient, world: World, clock: Clock) -> None:
    titles = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)"]
    for title in titles:
        _advisory(world, title)
    _signed_in(web, world, "hkma")
    rows = list(csv.reader(io.StringIO(web.get("/web/sector/acknowledgements.csv").content.decode("utf-8-sig"))))
    firsts = {r[0] for r in rows[1:]}
    assert firsts == {"'" + t for t in titles}
    assert csv_safe("=1") == "'=1" and csv_safe("plain") == "plain" and csv_safe("") == ""


def test_titles_are_escaped_on_the_page(web: TestClient, world: World, clock: Clock) -> None:
    _advisory(world, "<script>alert(1)</script>")
    _signed_in(web, world, "hkma")
    html = web.get("/web/sector").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unknown_table_is_not_found(web: TestClient, world: World) -> None:
    _signed_in(web, world, "hkma")
    assert web.get("/web/sector/nothing.csv").status_code == 404
    assert web.get("/web/sector/..%2Fexposure.csv").status_code == 404


def test_sightings_by_technique_and_by_indicator_type(world: World, clock: Clock) -> None:
    ip = indicator("198.51.100.20")
    url = indicator(pattern="[url:value = 'http://evil.example/']")
    tech = {
        "type": "attack-pattern",
        "spec_version": "2.1",
        "id": "attack-pattern--7e33a43e-e34b-40ec-89da-36c9bb2cacd5",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "name": "Phishing",
        "external_references": [{"source_name": "mitre-attack", "external_id": "T1566"}],
    }
    rel = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": "relationship--0b7d8a49-5b7e-4e4c-9a33-6c7d1e2f3a4b",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "relationship_type": "indicates",
        "source_ref": ip["id"],
        "target_ref": tech["id"],
    }
    publish(world.hub, world.principals["bank-a"], PublishRequest([ip, url, tech, rel], COMMUNITY, Tlp.GREEN))
    for org in ("bank-b", "bank-c", "police"):
        publish(world.hub, world.principals[org], PublishRequest([sighting(ip["id"])], COMMUNITY, Tlp.AMBER))
    for org in ("bank-b", "bank-c"):
        publish(world.hub, world.principals[org], PublishRequest([sighting(url["id"])], COMMUNITY, Tlp.AMBER))
    assert _row(_table(world, clock, "sightings-techniques"), "T1566 Phishing") == (3,)
    types = _table(world, clock, "sightings-types")
    assert _row(types, "ipv4") == (3,)
    assert _row(types, "url") is not None and _row(types, "url") == (None,)
    assert types.total_row is not None and types.total_row.cells == (5,)
    # a single hidden row next to a shown total would give it away: another row is hidden with it
    assert [r.cells[0] for r in types.rows].count(None) >= 2
