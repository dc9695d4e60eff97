"""Bad request fields get a clear 4xx in the hub's error shape and change nothing (issue 8, finding 11)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lionrock.taxii.media import TAXII_MEDIA
from tests.conftest import World, bundle
from tests.factories import indicator

URL = "/api/v1/bundles"
TAXII_OBJECTS = "/taxii2/api/collections/{}/objects/"


def _error(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["status"] == status and isinstance(body["message"], str) and body["message"]
    return str(body["message"])


def _not_stored(client: TestClient, world: World, obj: dict[str, Any]) -> None:
    assert client.get(f"/api/v1/objects/{obj['id']}", headers=world.auth("bank-a")).status_code == 404


@pytest.mark.parametrize("tlp", [3, ["red"], {"level": "red"}, True])
def test_tlp_that_is_not_a_string_is_a_422_and_stores_nothing(client: TestClient, world: World, tlp: object) -> None:
    ind = indicator()
    r = client.post(URL, headers=world.auth("bank-a"), json={"bundle": bundle(ind), "tlp": tlp})
    assert "tlp" in _error(r, 422)
    _not_stored(client, world, ind)


@pytest.mark.parametrize(
    "audience",
    [{"groups": 5}, {"orgs": True}, {"groups": [1, 2]}, {"orgs": [None]}, {"community": "yes"}, {"groups": "circle"}],
)
def test_audience_names_that_are_not_lists_of_strings_are_a_422(
    client: TestClient, world: World, audience: dict[str, object]
) -> None:
    ind = indicator()
    r = client.post(
        URL, headers=world.auth("bank-a"), json={"bundle": bundle(ind), "tlp": "green", "audience": audience}
    )
    assert "audience" in _error(r, 422)
    _not_stored(client, world, ind)


def test_anonymous_must_be_a_boolean(client: TestClient, world: World) -> None:
    ind = indicator()
    r = client.post(URL, headers=world.auth("bank-a"), json={"bundle": bundle(ind), "tlp": "green", "anonymous": "yes"})
    assert "anonymous" in _error(r, 422)
    _not_stored(client, world, ind)


def test_unknown_publish_fields_are_named_not_ignored(client: TestClient, world: World) -> None:
    ind = indicator()
    r = client.post(URL, headers=world.auth("bank-a"), json={"bundle": bundle(ind), "tlp": "green", "audiance": {}})
    assert "audiance" in _error(r, 422)


def test_search_text_is_capped_in_words_and_length(client: TestClient, world: World) -> None:
    auth = world.auth("bank-a")
    thousand_words = " ".join(f"w{i}" for i in range(1000))
    assert "query.q" in _error(client.get("/api/v1/objects", params={"q": thousand_words}, headers=auth), 422)
    short_words = " ".join(["a"] * 100)
    assert "20 words" in _error(client.get("/api/v1/objects", params={"q": short_words}, headers=auth), 422)
    assert "500" in _error(client.get("/api/v1/objects", params={"q": "x" * 501}, headers=auth), 422)
    twenty = " ".join(["bad"] * 20)
    assert client.get("/api/v1/objects", params={"q": twenty}, headers=auth).status_code == 200


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "raw", ["99999999999999999999.1", "1.9223372036854775808", "9" * 4400 + ".1", "-1.1", "1.2.3", " 1.2"]
)
def test_rest_cursor_holding_numbers_the_hub_never_issued_is_a_400(client: TestClient, world: World, raw: str) -> None:
    r = client.get("/api/v1/objects", params={"cursor": _cursor(raw)}, headers=world.auth("bank-a"))
    assert "cursor" in _error(r, 400) or "cursor" in r.text


def _taxii(client: TestClient, world: World, params: dict[str, str]) -> Any:
    cols = client.get("/taxii2/api/collections/", headers={**world.auth("bank-a"), "Accept": TAXII_MEDIA})
    cid = cols.json()["collections"][0]["id"]
    return client.get(TAXII_OBJECTS.format(cid), params=params, headers={**world.auth("bank-a"), "Accept": TAXII_MEDIA})


def _taxii_error(r: Any) -> str:
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/taxii+json")
    return str(r.json()["description"])


@pytest.mark.parametrize("raw", ["99999999999999999999.1", "9" * 4400 + ".1"])
def test_taxii_next_holding_numbers_the_hub_never_issued_is_a_400(client: TestClient, world: World, raw: str) -> None:
    assert "cursor" in _taxii_error(_taxii(client, world, {"next": _cursor(raw)}))


@pytest.mark.parametrize("limit", ["²", "٣", "9" * 4300, "-1", "0", "1e3", " 5"])
def test_taxii_limit_must_be_a_positive_ascii_integer(client: TestClient, world: World, limit: str) -> None:
    assert "limit" in _taxii_error(_taxii(client, world, {"limit": limit}))


def test_taxii_limit_above_the_page_size_is_capped_not_refused(client: TestClient, world: World) -> None:
    assert _taxii(client, world, {"limit": str(10**15)}).status_code == 200


def test_taxii_match_lists_are_bounded(client: TestClient, world: World) -> None:
    many = ",".join(f"indicator--{i:08d}-0000-4000-8000-000000000000" for i in range(501))
    assert "match[id]" in _taxii_error(_taxii(client, world, {"match[id]": many}))


@pytest.mark.parametrize("token_id", ["9" * 30, "9" * 5000, "2147483648", "0", "-3", "abc"])
def test_revoking_a_token_id_outside_the_column_is_a_422(client: TestClient, world: World, token_id: str) -> None:
    r = client.delete(f"/api/v1/tokens/{token_id}", headers=world.auth("ops"))
    assert "token_id" in _error(r, 422)


def _token_count(client: TestClient, world: World) -> int:
    return len(client.get("/api/v1/tokens", headers=world.auth("ops")).json()["items"])


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("expires_days", 1e12, "expires_days"),
        ("expires_days", 0, "expires_days"),
        ("expires_days", True, "expires_days"),
        ("expires_days", "30", "expires_days"),
        ("name", {"a": 1}, "name"),
        ("name", 5, "name"),
        ("name", "x" * 201, "name"),
        ("org", ["bank-c"], "org"),
        ("role", "admin", "role"),
    ],
)
def test_token_fields_of_the_wrong_type_or_range_are_a_422_and_issue_nothing(
    client: TestClient, world: World, field: str, value: object, named: str
) -> None:
    before = _token_count(client, world)
    body = {"org": "bank-c", "role": "reader", field: value}
    assert named in _error(client.post("/api/v1/tokens", headers=world.auth("ops"), json=body), 422)
    assert _token_count(client, world) == before


def test_operator_tokens_go_only_to_operator_organisations(client: TestClient, world: World) -> None:
    ops = world.auth("ops")
    before = _token_count(client, world)
    r = client.post("/api/v1/tokens", headers=ops, json={"org": "bank-a", "role": "operator"})
    assert "operator organisations" in _error(r, 422)
    assert _token_count(client, world) == before
    assert client.post("/api/v1/tokens", headers=ops, json={"org": "ops", "role": "operator"}).status_code == 201


def _group_names(client: TestClient, world: World) -> list[str]:
    return [g["name"] for g in client.get("/api/v1/groups", headers=world.auth("ops")).json()["items"]]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "g", "members": 5},
        {"name": "g", "members": "bank-a"},
        {"name": ["x"], "members": ["bank-a"]},
        {"name": 7, "members": []},
        {"name": "", "members": []},
        {"members": ["bank-a"]},
    ],
)
def test_group_name_and_members_of_the_wrong_type_are_a_422_and_store_nothing(
    client: TestClient, world: World, body: dict[str, object]
) -> None:
    before = _group_names(client, world)
    _error(client.post("/api/v1/groups", headers=world.auth("ops"), json=body), 422)
    assert _group_names(client, world) == before and "['x']" not in before


@pytest.mark.parametrize("body", [{"name": 5, "kind": "bank"}, {"name": "b", "kind": "shop"}, {"name": "b"}])
def test_organisation_fields_of_the_wrong_type_are_a_422(client: TestClient, world: World, body: object) -> None:
    _error(client.post("/api/v1/orgs", headers=world.auth("ops"), json=body), 422)


def test_admin_bodies_that_are_not_json_objects_are_a_400(client: TestClient, world: World) -> None:
    ops = world.auth("ops")
    assert "JSON object" in _error(client.post("/api/v1/orgs", headers=ops, json=["bank-z"]), 400)
    bad = client.post("/api/v1/orgs", headers={**ops, "Content-Type": "application/json"}, content=b"{")
    assert "not valid JSON" in _error(bad, 400)


def test_admin_bodies_over_the_size_limit_are_a_413(client: TestClient, world: World) -> None:
    r = client.post("/api/v1/groups", headers=world.auth("ops"), content=b"[" + b"1," * 1_200_000 + b"1]")
    _error(r, 413)


def test_validation_errors_use_the_hub_error_shape_and_do_not_echo_input(client: TestClient, world: World) -> None:
    secretish = "s3cr3t-" * 100
    r = client.get("/api/v1/objects", params={"limit": secretish}, headers=world.auth("bank-a"))
    message = _error(r, 422)
    assert "limit" in message and "s3cr3t" not in message
    assert set(r.json()) == {"error"}


def test_bad_fields_are_refused_only_after_authentication(client: TestClient) -> None:
    assert client.post("/api/v1/tokens", json={"expires_days": 1e12}).status_code == 401
    assert client.delete("/api/v1/tokens/" + "9" * 50).status_code == 401


def test_nul_in_a_url_is_a_400_at_the_door(client: TestClient, world: World) -> None:
    for url in ("/api/v1/feeds/outward?type=indicator%00", "/api/v1/objects?q=a%00b", "/api/v1/objects/x%00y"):
        r = client.get(url, headers=world.auth("bank-a"))
        assert r.status_code == 400 and "NUL" in r.json()["error"]["message"], url
    taxii = client.get("/taxii2/api/collections/%00/", headers=world.auth("bank-a"))
    assert taxii.status_code == 400 and taxii.json()["http_status"] == "400"


def test_nul_in_names_is_a_422_and_in_stix_text_is_stored(client: TestClient, world: World) -> None:
    r = client.post("/api/v1/orgs", json={"name": "evil\u0000bank", "kind": "bank"}, headers=world.auth("ops"))
    assert r.status_code == 422
    ind = {**indicator(), "name": "bad\u0000name"}
    body = {"bundle": bundle(ind), "tlp": "green", "audience": {"community": True}}
    assert client.post("/api/v1/bundles", json=body, headers=world.auth("bank-a")).status_code == 201
    assert client.get(f"/api/v1/objects/{ind['id']}", headers=world.auth("bank-b")).json()["object"] == ind
