"""/web/keys: operators rotate and retire keys, an org-admin creates and withdraws its own after typing
the key id back; everyone else is refused, and another organisation's key is 'not found'."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import Role
from lionrock.errors import Gone
from lionrock.hub import intake
from lionrock.hub import keys as hub_keys
from lionrock.hub.users import add_user
from lionrock.settings import Settings
from lionrock.store import audit
from lionrock.store.engine import read_transaction
from tests.conftest import World
from tests.web.helpers import csrf_of, sign_in

REPORT = b"The crew ran its C2 at 203.0.113.50 and hxxps://pay-hk[.]example-bank.com/login."


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Key files in the test's own folder."""
    return Settings(
        database_url=database_url,
        audit_key_file=str(tmp_path / "keys" / "audit-key"),
        key_file=str(tmp_path / "keys" / "hub.keys"),
    )


def _signed_in(web: TestClient, world: World, org: str, name: str, role: Role) -> str:
    password = add_user(world.hub, org, name, role).password
    assert sign_in(web, name, password).status_code == 303
    return csrf_of(web.get("/web/"))


def _upload(world: World, who: str) -> str:
    job = intake.submit(world.hub, world.principals[who], REPORT, "report.txt", wait=True)
    assert intake.view(world.hub, world.principals[who], job)["status"] == "done"
    return job


def _audit_actions(world: World) -> list[str]:
    with read_transaction(world.hub.engine) as conn:
        return [e.action for e in audit.entries(conn, limit=10**6)]


def _new_key_id(world: World, org: str) -> int:
    return max(k.key.id for k in hub_keys.list_keys(world.hub) if k.owner == org)


def test_an_org_admin_creates_its_own_key_and_withdraws_it_after_typing_its_id(web: TestClient, world: World) -> None:
    csrf = _signed_in(web, world, "bank-a", "ada", Role.ORG_ADMIN)
    other = _upload(world, "bank-b")  # sealed under the hub's key
    made = web.post("/web/keys", data={"csrf": csrf, "purpose": "intake"}, follow_redirects=False)
    assert made.status_code == 303
    key_id = _new_key_id(world, "bank-a")
    mine = _upload(world, "bank-a")  # now sealed under bank-a's own key
    listing = web.get("/web/keys").text
    assert f'value="{key_id}"' in listing and "bank-b" not in listing
    confirm = web.post("/web/keys/withdraw", data={"csrf": csrf, "id": str(key_id)})
    assert confirm.status_code == 200 and "1 data keys, sealing 1 reports and 0 shared object versions" in confirm.text
    assert intake.view(world.hub, world.principals["bank-a"], mine)["status"] == "done"  # nothing changed yet
    wrong = web.post("/web/keys/withdraw/confirm", data={"csrf": csrf, "id": str(key_id), "typed": "1"})
    assert wrong.status_code == 400
    done = web.post(
        "/web/keys/withdraw/confirm",
        data={"csrf": csrf, "id": str(key_id), "typed": str(key_id)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with pytest.raises(Gone):
        intake.view(world.hub, world.principals["bank-a"], mine)
    assert intake.view(world.hub, world.principals["bank-b"], other)["status"] == "done"  # others' data still opens
    actions = _audit_actions(world)
    assert "key.create" in actions and "key.destroy" in actions


def test_an_org_admin_cannot_see_or_touch_the_hubs_or_another_organisations_keys(web: TestClient, world: World) -> None:
    _upload(world, "bank-b")
    hub_key = hub_keys.list_keys(world.hub)[0].key.id
    hub_keys.create(world.hub, "intake", org="bank-b")
    b_key = _new_key_id(world, "bank-b")
    csrf = _signed_in(web, world, "bank-a", "ada", Role.ORG_ADMIN)
    listing = web.get("/web/keys")
    assert listing.status_code == 200 and "No keys yet." in listing.text
    for key in (hub_key, b_key):
        for path in ("/web/keys/withdraw", "/web/keys/rotate", "/web/keys/retire"):
            assert web.post(path, data={"csrf": csrf, "id": str(key)}).status_code == 404
        typed = {"csrf": csrf, "id": str(key), "typed": str(key)}
        assert web.post("/web/keys/withdraw/confirm", data=typed).status_code == 404
    assert {k.key.state for k in hub_keys.list_keys(world.hub)} == {"active"}


def test_an_operator_sees_every_key_and_rotates_and_retires_but_never_destroys(web: TestClient, world: World) -> None:
    job = _upload(world, "bank-a")
    hub_keys.create(world.hub, "intake", org="bank-b")
    csrf = _signed_in(web, world, "ops", "otto", Role.OPERATOR)
    listing = web.get("/web/keys").text
    assert "bank-b" in listing and "lionrock keys destroy" in listing and "/web/keys/withdraw" not in listing
    hub_key = next(k.key.id for k in hub_keys.list_keys(world.hub) if k.owner is None)
    rotated = web.post("/web/keys/rotate", data={"csrf": csrf, "id": str(hub_key)}, follow_redirects=False)
    assert rotated.status_code == 303
    infos = {k.key.id: k for k in hub_keys.list_keys(world.hub)}
    assert infos[hub_key].key.state == "retired" and infos[hub_key].data_keys == 0
    assert intake.view(world.hub, world.principals["bank-a"], job)["status"] == "done"
    new = infos[hub_key].key.replaced_by
    assert new is not None
    assert web.post("/web/keys/retire", data={"csrf": csrf, "id": str(new)}, follow_redirects=False).status_code == 303
    assert web.post("/web/keys/withdraw", data={"csrf": csrf, "id": str(new)}).status_code == 403
    assert web.post("/web/keys/retire", data={"csrf": csrf, "id": str(new)}).status_code == 409
    assert {"key.rotate", "key.rotated", "key.retire"} <= set(_audit_actions(world))


@pytest.mark.parametrize("role", [Role.ANALYST, Role.READER])
def test_analysts_and_readers_get_no_keys_page_and_no_key_actions(web: TestClient, world: World, role: Role) -> None:
    hub_keys.create(world.hub, "intake", org="bank-a")
    key_id = _new_key_id(world, "bank-a")
    csrf = _signed_in(web, world, "bank-a", "eve", role)
    assert web.get("/web/keys").status_code == 403
    assert 'href="/web/keys"' not in web.get("/web/").text
    for path in ("/web/keys", "/web/keys/withdraw", "/web/keys/rotate", "/web/keys/retire"):
        assert web.post(path, data={"csrf": csrf, "id": str(key_id), "purpose": "intake"}).status_code == 403


@pytest.mark.parametrize("raw", ["", "abc", "-1", "1e3", "9" * 40, " 1 1"])
def test_a_key_id_that_is_not_a_whole_number_is_a_400(web: TestClient, world: World, raw: str) -> None:
    csrf = _signed_in(web, world, "ops", "otto", Role.OPERATOR)
    assert web.post("/web/keys/rotate", data={"csrf": csrf, "id": raw}).status_code == 400


def test_a_bad_purpose_is_refused_and_shown_no_input_back(web: TestClient, world: World) -> None:
    csrf = _signed_in(web, world, "bank-a", "ada", Role.ORG_ADMIN)
    refused = web.post("/web/keys", data={"csrf": csrf, "purpose": "<script>x</script>"})
    assert refused.status_code == 400 and "<script>x" not in refused.text
    assert not [k for k in hub_keys.list_keys(world.hub) if k.owner == "bank-a"]
