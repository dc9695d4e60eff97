"""Report intake pages: upload, progress, review with evidence marked and personal data pseudonymised,
decisions, publish to a sharing group; jobs are the uploading organisation's only."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient
from httpx import Response

from lionrock.access.model import Role
from lionrock.errors import NotFound
from lionrock.hub import intake
from lionrock.hub.directory import audit_entries
from lionrock.hub.members import authenticate, create_token
from lionrock.hub.query import get_object
from lionrock.hub.users import add_user
from tests.conftest import World, shared
from tests.web.helpers import csrf_of, sign_in

REPORT = (
    b"<html><head><title>Operation Lantern</title></head><body><p>Operation Lantern used PowerShell. "
    b"C2: hxxps://pay-hk[.]example-bank.com/login and 203.0.113.50. The scammer called from +852 6123 4567. "
    b"Another server was 198.51.100.77. The victim's HKID A123456(3) leaked. "
    b"Attackers wrote &lt;script&gt;alert(1)&lt;/script&gt; at evil-<b>x</b>.example.net.</p></body></html>"
)


def _upload(web: TestClient, data: bytes = REPORT, name: str = "lantern.html") -> str:
    form = web.get("/web/intake")
    assert form.status_code == 200
    sent = web.post(
        "/web/intake",
        data={"csrf": csrf_of(form)},
        files={"report": (name, data, "text/html")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    location = sent.headers["location"]
    assert location.startswith("/web/intake/")
    return location.rsplit("/", 1)[1]


def _wait(web: TestClient, job: str) -> Response:
    for _ in range(400):
        page = web.get(f"/web/intake/{job}")
        if 'http-equiv="refresh"' not in page.text:
            return page
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def _field_index(page: Response, value: str) -> str:
    """The review form's field suffix for the indicator whose value field holds `value`."""
    found = re.search(r'name="e(\d+)" value="' + re.escape(value) + '"', page.text)
    assert found, value
    return found.group(1)


def test_upload_review_publish_to_the_circle(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    job = _upload(web)
    page = _wait(web, job)
    assert page.status_code == 200
    text = page.text
    # evidence: the finding marked in its sentence, as text
    assert "<mark>203.0.113.50</mark>" in text
    assert "<mark>hxxps://pay-hk[.]example-bank.com/login</mark>" in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # personal data: flagged, masked, written as its pseudonym in evidence (a link to the reveal page)
    assert "A123456" not in text
    assert re.search(r'<a class="pseudonym" href="/web/pseudonyms/HKID-[0-9A-Z]{16}">\[HKID-[0-9A-Z]{16}\]</a>', text)
    assert "hkid" in text
    assert "<progress" not in text
    # the job list shows it
    listing = web.get("/web/intake").text
    assert f"/web/intake/{job}" in listing and "ready for review" in listing

    rejected = _field_index(page, "198.51.100.77")
    corrected = _field_index(page, "203.0.113.50")
    review = web.post(
        f"/web/intake/{job}/review",
        data={"csrf": csrf_of(page), f"f{rejected}": "reject", f"e{corrected}": "203.0.113[.]51"},
        follow_redirects=False,
    )
    assert review.status_code == 303
    page = web.get(f"/web/intake/{job}")
    assert 'id="f' + rejected + '-reject" name="f' + rejected + '" value="reject" checked' in page.text
    assert 'value="203.0.113.51"' in page.text  # the correction, normalised

    bad = web.post(f"/web/intake/{job}/review", data={"csrf": csrf_of(page), f"e{corrected}": "not an address"})
    assert bad.status_code == 422

    published = web.post(
        f"/web/intake/{job}/publish",
        data={"csrf": csrf_of(page), "tlp": "amber", "group": "circle"},
        follow_redirects=False,
    )
    assert published.status_code == 303
    result = web.get(published.headers["location"])
    links = re.findall(r'href="/web/objects/([^"]+)"', result.text)
    assert links and any(i.startswith("report--") for i in links)
    indicators = [i for i in links if i.startswith("indicator--")]
    patterns = [get_object(world.hub, world.principals["bank-b"], i)[-1].obj["pattern"] for i in indicators]
    assert "[ipv4-addr:value = '203.0.113.51']" in patterns
    assert not any("198.51.100.77" in p or "203.0.113.50" in p for p in patterns)
    for stix_id in links:
        assert get_object(world.hub, world.principals["bank-b"], stix_id)
        try:
            get_object(world.hub, world.principals["bank-c"], stix_id)
        except NotFound:
            continue
        raise AssertionError(f"bank-c sees {stix_id}")


def test_the_shared_pdf_report_when_present(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    pdf = shared("reports", "tram", "formats", "AA20-302A.pdf").read_bytes()
    sign_in(web, "alice", passwords["alice"])
    page = _wait(web, _upload(web, pdf, "AA20-302A.pdf"))
    assert "ready for review" in page.text and "<mark>" in page.text


def test_another_organisations_job_is_an_unknown_one(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    job = intake.submit(world.hub, world.principals["bank-b"], REPORT, "b.html", wait=True)
    sign_in(web, "alice", passwords["alice"])
    theirs = web.get(f"/web/intake/{job}")
    unknown = web.get("/web/intake/00000000-0000-4000-8000-000000000000")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.text == unknown.text
    page = web.get("/web/intake")
    assert job not in page.text
    fields = {"csrf": csrf_of(page), "tlp": "clear", "community": "yes", "f0": "reject"}
    for action in ("review", "publish"):
        sent = web.post(f"/web/intake/{job}/{action}", data=fields)
        absent = web.post(f"/web/intake/00000000-0000-4000-8000-000000000000/{action}", data=fields)
        assert sent.status_code == absent.status_code == 404
        assert sent.text == absent.text
    assert intake.view(world.hub, world.principals["bank-b"], job)["status"] == "done"


def test_a_reader_may_not_upload(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    sign_in(web, "bob", passwords["bob"])
    assert web.get("/web/intake").status_code == 403
    home = web.get("/web/")
    sent = web.post(
        "/web/intake", data={"csrf": csrf_of(home)}, files={"report": ("r.txt", b"203.0.113.9", "text/plain")}
    )
    assert sent.status_code == 403
    assert 'href="/web/intake"' not in home.text


def test_upload_without_csrf_is_refused(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    sent = web.post("/web/intake", files={"report": ("r.txt", b"203.0.113.9", "text/plain")}, follow_redirects=False)
    assert sent.status_code == 403
    assert intake.jobs_of(world.hub, world.principals["bank-a"]) == []


def test_publish_needs_an_audience_and_a_tlp(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    page = _wait(web, _upload(web))
    job = page.url.path.rsplit("/", 1)[1]
    assert web.post(f"/web/intake/{job}/publish", data={"csrf": csrf_of(page), "tlp": "amber"}).status_code == 422
    assert (
        web.post(
            f"/web/intake/{job}/publish", data={"csrf": csrf_of(page), "tlp": "beige", "community": "yes"}
        ).status_code
        == 422
    )
    assert intake.view(world.hub, world.principals["bank-a"], job)["status"] == "done"


def test_an_org_admin_of_another_bank_sees_none_of_its_jobs(world: World) -> None:
    intake.submit(world.hub, world.principals["bank-a"], REPORT, "a.html", wait=True)
    add_user(world.hub, "bank-c", "carl", Role.ORG_ADMIN)
    assert intake.jobs_of(world.hub, world.principals["bank-c"]) == []
    assert [j["filename"] for j in intake.jobs_of(world.hub, world.principals["bank-a"])] == ["a.html"]


def test_the_chinese_review_page(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    job = _upload(web)
    home = web.get("/web/")
    web.post("/web/language", data={"csrf": csrf_of(home), "language": "zh-HK", "next": "/web/"})
    page = _wait(web, job).text
    assert "審閱報告" in page and "指標" in page and "個人資料" in page and "以代號取代" in page


def test_corrections_over_rest(web: TestClient, world: World) -> None:
    job = intake.submit(world.hub, world.principals["bank-a"], REPORT, "r.html", wait=True)
    url, auth = f"/api/v1/intake/{job}", world.auth("bank-a")
    fixed = web.patch(url, headers=auth, json={"edit": {"ipv4-addr:203.0.113.50": "203.0.113[.]52"}})
    assert fixed.status_code == 200 and fixed.json()["edited"] == {"ipv4-addr:203.0.113.50": "203.0.113.52"}
    draft = str(web.get(url, headers=auth).json()["draft"])
    assert "[ipv4-addr:value = '203.0.113.52']" in draft and "[ipv4-addr:value = '203.0.113.50']" not in draft
    assert web.patch(url, headers=auth, json={"edit": {"ipv4-addr:203.0.113.50": "evil.example"}}).status_code == 422
    assert web.patch(url, headers=auth, json={"edit": {"ipv4-addr:192.0.2.1": "192.0.2.2"}}).status_code == 422
    assert web.patch(url, headers=auth, json={"edit": ["x"]}).status_code == 422
    undone = web.patch(url, headers=auth, json={"edit": {"ipv4-addr:203.0.113.50": "203.0.113.50"}})
    assert "edited" not in undone.json()


def test_keeping_personal_data_is_one_audited_reveal(web: TestClient, world: World, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    job = _upload(web)
    page = _wait(web, job)
    assert web.post(f"/web/intake/{job}/review", data={"csrf": csrf_of(page), "p0": "keep"}).status_code == 200
    page = web.get(f"/web/intake/{job}")
    assert "A1234563" in page.text or "A123456(3)" in page.text  # kept: shown, marked, not redacted
    web.post(f"/web/intake/{job}/review", data={"csrf": csrf_of(page), "p0": "keep"})
    admin = authenticate(world.hub, create_token(world.hub, "bank-a", Role.ORG_ADMIN).secret)
    reveals = [e for e in audit_entries(world.hub, admin, 100) if e.action == "intake.reveal"]
    assert len(reveals) == 1
    web.post(f"/web/intake/{job}/review", data={"csrf": csrf_of(page), "p0": "redact"})
    assert "A123456" not in web.get(f"/web/intake/{job}").text
