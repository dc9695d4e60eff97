"""The pseudonym page: the submitting bank's analyst reveals from the review page's link, law
enforcement with a reason, another bank gets the same 404 page as for an unknown pseudonym; the form
needs its CSRF token, the value never appears in a URL, and the page is not cached."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

from lionrock.access.model import AudienceNames, Role
from lionrock.hub import intake
from lionrock.hub.users import add_user
from lionrock.stix.tlp import Tlp
from tests.conftest import World
from tests.web.helpers import csrf_of, sign_in

REPORT = b"The scammer at 203.0.113.50 phoned the victim, whose HKID A123456(3) leaked."
LINK = re.compile(r'href="/web/pseudonyms/(HKID-[0-9A-Z]{16})"')
REASON = "Case HK-2026-0042: warrant for the victim's identity"


def _pseudonym(web: TestClient) -> str:
    form = web.get("/web/intake")
    sent = web.post(
        "/web/intake",
        data={"csrf": csrf_of(form)},
        files={"report": ("r.txt", REPORT, "text/plain")},
        follow_redirects=False,
    )
    job = sent.headers["location"]
    for _ in range(400):
        page = web.get(job)
        if 'http-equiv="refresh"' not in page.text:
            break
        time.sleep(0.05)
    found = LINK.search(page.text)
    assert found, page.text
    return found.group(1)


def _reveal(web: TestClient, pid: str, reason: str = "") -> tuple[int, str]:
    page = web.get(f"/web/pseudonyms/{pid}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    answer = web.post(f"/web/pseudonyms/{pid}/reveal", data={"csrf": csrf_of(page), "reason": reason})
    assert answer.headers["cache-control"] == "no-store"
    return answer.status_code, answer.text


def test_the_submitter_reveals_from_the_review_page(web: TestClient, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    pid = _pseudonym(web)
    page = web.get(f"/web/pseudonyms/{pid}")
    assert f"[{pid}]" in page.text and "A123456" not in page.text  # the page alone reveals nothing
    status, text = _reveal(web, pid)
    assert status == 200 and "A123456(3)" in text


def test_law_enforcement_reveals_with_a_reason_and_others_get_the_unknown_page(
    web: TestClient, world: World, passwords: dict[str, str]
) -> None:
    sign_in(web, "alice", passwords["alice"])
    pid = _pseudonym(web)
    unknown = "HKID-" + ("0" * 16 if not pid.endswith("0" * 16) else "1" * 16)
    status, unknown_text = _reveal(web, unknown)
    assert status == 404
    web.cookies.clear()
    sign_in(web, "carol", add_user(world.hub, "bank-b", "carol", Role.ANALYST).password)
    status, text = _reveal(web, pid, REASON)
    assert status == 404 and "A123456" not in text
    assert re.sub(r'name="csrf" value="[^"]*"', "", text).replace("carol", "alice").replace("bank-b", "bank-a") == (
        re.sub(r'name="csrf" value="[^"]*"', "", unknown_text)
    )
    web.cookies.clear()
    sign_in(web, "dave", add_user(world.hub, "police", "dave", Role.ANALYST).password)
    page = web.get(f"/web/pseudonyms/{pid}")
    assert "required" in page.text
    status, text = _reveal(web, pid, "because")
    assert status == 422 and "A123456" not in text
    status, text = _reveal(web, pid, REASON)
    assert status == 200 and "A123456(3)" in text


def test_the_reveal_form_needs_its_csrf_token(web: TestClient, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    pid = _pseudonym(web)
    answer = web.post(f"/web/pseudonyms/{pid}/reveal", data={"reason": ""})
    assert answer.status_code == 403 and "A123456" not in answer.text


def test_a_malformed_pseudonym_is_the_same_404(web: TestClient, passwords: dict[str, str]) -> None:
    sign_in(web, "alice", passwords["alice"])
    assert web.get("/web/pseudonyms/" + "x" * 5000).status_code == 404
    assert web.get("/web/pseudonyms/%3Cscript%3E").status_code == 404


def test_a_published_object_lists_its_pseudonyms_and_law_enforcement_reveals_from_there(
    web: TestClient, world: World
) -> None:
    bank_a = world.principals["bank-a"]
    job = intake.submit(world.hub, bank_a, REPORT, "r.txt", wait=True)
    intake.publish_job(world.hub, bank_a, job, tlp=Tlp.GREEN, audience=AudienceNames(community=True), anonymous=False)
    published = intake.view(world.hub, bank_a, job)["published_ids"]
    indicator = next(i for i in published if i.startswith("indicator--"))
    sign_in(web, "erin", add_user(world.hub, "bank-b", "erin", Role.READER).password)
    page = web.get(f"/web/objects/{indicator}")
    assert page.status_code == 200 and "A123456" not in page.text
    found = LINK.search(page.text)
    assert found and f"[{found.group(1)}]" in page.text
    assert _reveal(web, found.group(1), REASON)[0] == 404  # another bank's reader
    web.cookies.clear()
    sign_in(web, "frank", add_user(world.hub, "police", "frank", Role.ANALYST).password)
    status, text = _reveal(web, found.group(1), REASON)
    assert status == 200 and "A123456(3)" in text
