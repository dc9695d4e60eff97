"""Remembered tokens (hub/token_cache.py): a revocation through the hub shows on the next request,
one made by another process within settings.token_cache_seconds, and nothing outlives its token."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from lionrock.access.model import OrgKind, Principal, Role
from lionrock.hub import Hub
from lionrock.hub.logins import LoginFailed
from lionrock.hub.members import (
    add_group_member,
    add_org,
    authenticate,
    create_token,
    remove_group_member,
    revoke_token,
)
from lionrock.hub.token_cache import MAX_ENTRIES, TokenCache
from lionrock.settings import Settings
from tests.conftest import World

SECOND_US = 1_000_000
CHECK = "/api/v1/fraud/check?type=phone&value=91234567"


def test_a_token_revoked_through_the_hub_fails_at_once(hub: Hub, world: World) -> None:
    secret = world.tokens["bank-a:reader"]
    who = authenticate(hub, secret)
    assert authenticate(hub, secret) == who  # remembered now
    assert who.token_id is not None
    revoke_token(hub, who.token_id, world.principals["ops"])
    with pytest.raises(LoginFailed):
        authenticate(hub, secret)


def test_a_token_revoked_over_rest_is_refused_on_the_next_check(client: TestClient, world: World) -> None:
    headers = world.auth("bank-b:reader")
    assert client.get(CHECK, headers=headers).status_code == 200
    assert client.get(CHECK, headers=headers).status_code == 200  # answered from the remembered token
    token_id = authenticate(world.hub, world.tokens["bank-b:reader"]).token_id
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=world.auth("ops")).status_code in (200, 204)
    assert client.get(CHECK, headers=headers).status_code == 401


def test_a_revocation_by_another_process_shows_within_token_cache_seconds(settings: Settings, world: World) -> None:
    server = world.hub
    secret = world.tokens["bank-c:reader"]
    who = authenticate(server, secret)
    now = server.clock()
    server.clock = lambda: now  # type: ignore[method-assign]
    other = Hub.open(settings, migrate=False)  # the CLI, or a second server process
    try:
        assert who.token_id is not None
        revoke_token(other, who.token_id, world.principals["ops"])
    finally:
        other.close()
    assert authenticate(server, secret) == who  # still remembered: the documented bound
    server.clock = lambda: now + settings.token_cache_seconds * SECOND_US  # type: ignore[method-assign]
    with pytest.raises(LoginFailed):
        authenticate(server, secret)


def test_with_token_cache_seconds_zero_nothing_is_remembered(settings: Settings) -> None:
    hub = Hub.open(replace(settings, token_cache_seconds=0))
    other = Hub.open(settings, migrate=False)
    try:
        world_ops = _ops(hub)
        secret = create_token(hub, "bank-a", Role.READER).secret
        who = authenticate(hub, secret)
        assert who.token_id is not None
        revoke_token(other, who.token_id, world_ops)
        with pytest.raises(LoginFailed):
            authenticate(hub, secret)
    finally:
        other.close()
        hub.close()


def _ops(hub: Hub) -> Principal:
    add_org(hub, "bank-a", OrgKind.BANK)
    add_org(hub, "ops", OrgKind.OPERATOR)
    return authenticate(hub, create_token(hub, "ops", Role.OPERATOR).secret)


def test_a_remembered_token_still_expires_on_time(settings: Settings) -> None:
    hub = Hub.open(replace(settings, token_cache_seconds=7 * 86_400))  # far longer than the token lives
    try:
        _ops(hub)
        secret = create_token(hub, "bank-a", Role.READER, expires_days=1).secret
        now = hub.clock()
        hub.clock = lambda: now  # type: ignore[method-assign]
        authenticate(hub, secret)
        hub.clock = lambda: now + 86_400 * SECOND_US  # type: ignore[method-assign]
        with pytest.raises(LoginFailed):
            authenticate(hub, secret)
    finally:
        hub.close()


def test_group_membership_changes_show_in_the_next_principal(hub: Hub, world: World) -> None:
    secret = world.tokens["bank-c"]
    assert world.group_ids["circle"] not in authenticate(hub, secret).group_ids
    add_group_member(hub, "circle", "bank-c", world.principals["ops"])
    assert world.group_ids["circle"] in authenticate(hub, secret).group_ids
    remove_group_member(hub, "circle", "bank-c", world.principals["ops"])
    assert world.group_ids["circle"] not in authenticate(hub, secret).group_ids


def test_a_read_made_before_a_change_is_not_remembered() -> None:
    """An authentication that read the tables before a revocation committed must not store what it
    read after the revocation cleared the cache."""
    cache = TokenCache()
    who = Principal(1, "bank-a", OrgKind.BANK, Role.READER)
    generation = cache.generation  # the authentication starts reading
    cache.clear()  # a revocation commits meanwhile
    cache.put("digest", who, 10, 20, generation)
    assert cache.get("digest", 11) is None
    cache.put("digest", who, 10, 20, cache.generation)
    assert cache.get("digest", 11) == who
    assert cache.get("digest", 20) is None  # not at or past its end
    assert cache.get("digest", 9) is None  # nor before it was stored (a clock set back)


def test_the_cache_is_bounded_however_many_tokens_are_used() -> None:
    cache = TokenCache()
    who = Principal(1, "bank-a", OrgKind.BANK, Role.READER)
    for n in range(MAX_ENTRIES + 5):
        cache.put(f"digest-{n}", who, 0, 10, cache.generation)
    assert len(cache._entries) <= MAX_ENTRIES
