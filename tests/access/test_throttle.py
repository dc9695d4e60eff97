"""Failed-login bookkeeping (pure): windows, lockouts, summaries."""

from __future__ import annotations

from lionrock.access.throttle import FailedLogins, ThrottleRules, client_key, fingerprint, token_hint

S = 1_000_000
RULES = ThrottleRules(limit=5, window_us=60 * S, lockout_us=300 * S)


def test_failures_under_the_limit_are_not_refused() -> None:
    logins = FailedLogins(RULES)
    assert [logins.failed("a", t * S, "unknown") for t in range(4)] == [None] * 4
    assert logins.retry_after("a", 5 * S) is None


def test_reaching_the_limit_locks_the_client_out_with_retry_after() -> None:
    logins = FailedLogins(RULES)
    results = [logins.failed("a", t * S, "unknown") for t in range(5)]
    assert results[-1] == 300
    assert logins.retry_after("a", 10 * S) == 294  # locked at t=4 s for 300 s
    assert logins.retry_after("a", int(303.5 * S)) == 1  # rounded up, never 0
    assert logins.retry_after("a", 304 * S) is None  # the lockout ends on time
    assert logins.retry_after("b", 10 * S) is None  # other clients are not affected


def test_one_summary_per_client_per_window_when_the_window_closes() -> None:
    logins = FailedLogins(RULES)
    for t in range(8):
        logins.failed("a", t * S, "unknown" if t % 2 else "revoked or expired", hint=f"token {t % 3}")
    for _ in range(100):
        logins.retry_after("a", 30 * S)
    assert logins.due(59 * S) == []  # the window is still open
    (summary,) = logins.due(60 * S)
    assert (summary.client, summary.failures, summary.refused) == ("a", 8, 100)
    assert (summary.first, summary.last) == (0, 30 * S)
    assert dict(summary.reasons) == {"unknown": 4, "revoked or expired": 4}
    assert summary.tokens == ("token 0", "token 1", "token 2")
    assert summary.locked_until == 307 * S  # each failure past the limit restarts the lockout
    assert logins.due(61 * S) == []  # handed out once


def test_a_failure_after_the_window_starts_a_new_one_and_summarises_the_old() -> None:
    logins = FailedLogins(RULES)
    logins.failed("a", 0, "unknown")
    logins.failed("a", 70 * S, "unknown")
    (old,) = logins.due(70 * S)
    assert old.failures == 1 and old.last == 0
    (new,) = logins.due(130 * S)
    assert new.first == 70 * S


def test_more_clients_than_tracked_are_summarised_early_not_lost() -> None:
    logins = FailedLogins(ThrottleRules(limit=5, window_us=60 * S, lockout_us=S, max_clients=3))
    for i in range(10):
        logins.failed(f"10.0.0.{i}", i, "unknown")
    early = logins.due(10)
    assert [s.client for s in early] == [f"10.0.0.{i}" for i in range(7)]
    assert len(logins.due(61 * S)) == 3


def test_clients_are_counted_by_address_and_ipv6_by_its_slash_64() -> None:
    assert client_key("203.0.113.9") == "203.0.113.9"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert client_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert client_key(None) == "unknown"


def test_token_hints_never_carry_more_than_the_public_prefix() -> None:
    assert token_hint("lr_abcdefghijklmnopqrstuvwxyz", None) == "lr_abcdefg"
    assert token_hint("hunter2-my-password", None) is None
    assert token_hint("lr_whatever", 17) == "token 17"


def test_a_token_that_worked_passes_a_lockout_until_it_fails() -> None:
    logins = FailedLogins(RULES)
    good, guess = fingerprint("lr_good-token"), fingerprint("lr_guess")
    logins.succeeded(good)
    for t in range(5):
        logins.failed("a", t * S, "unknown", credential=fingerprint(f"lr_guess-{t}"))
    assert logins.retry_after("a", 10 * S, guess) == 294
    assert logins.retry_after("a", 10 * S, good) is None
    logins.failed("a", 11 * S, "revoked or expired", credential=good)  # revoked since
    assert logins.retry_after("a", 12 * S, good) is not None
    assert fingerprint("lr_good-token") == good and b"good" not in good
