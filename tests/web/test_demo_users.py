"""Demo data brings one web user per organisation; each load replaces their passwords, so passwords
printed by an earlier quickstart stop working (like its tokens)."""

from __future__ import annotations

import pytest

from lionrock.hub import Hub
from lionrock.hub.demo import load_demo
from lionrock.hub.users import PasswordRejected, check_password


def test_demo_load_gives_one_web_user_per_organisation_and_replaces_their_passwords(hub: Hub) -> None:
    first = load_demo(hub).users
    second = load_demo(hub).users
    assert [(o, u) for o, u, _ in first] == [(o, u) for o, u, _ in second]
    assert len(first) == 5 and "victoria-harbour-bank" in {u for _, u, _ in first}
    for (org, user, old), (_, _, new) in zip(first, second, strict=True):
        assert old != new
        with pytest.raises(PasswordRejected):
            check_password(hub, user, old)
        assert check_password(hub, user, new).principal.org_name == org
