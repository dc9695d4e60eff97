from lionrock.match.rules import Rule, Term, Unevaluable, rule_of
from lionrock.match.values import Kind
from tests.match.helpers import ind


def rule(pattern: str, **extra: object) -> Rule:
    found = rule_of(ind(pattern, **extra))
    assert isinstance(found, Rule), found
    return found


def unevaluable(pattern: str, **extra: object) -> str:
    found = rule_of(ind(pattern, **extra))
    assert isinstance(found, Unevaluable), found
    return found.reason


def test_common_shapes() -> None:
    assert rule("[ipv4-addr:value = '198.51.100.0/24']").conjunctions == ((Term(Kind.CIDR4, "198.51.100.0/24"),),)
    assert rule("[ipv6-addr:value = '2001:DB8::1']").conjunctions == ((Term(Kind.IPV6, "2001:db8::1"),),)
    assert rule("[domain-name:value = 'Evil.com']").conjunctions == ((Term(Kind.DOMAIN, "evil.com"),),)
    assert rule("[url:value = 'HTTP://evil.com:80/x']").conjunctions == ((Term(Kind.URL, "http://evil.com/x"),),)
    assert rule("[email-addr:value = 'A@Evil.com']").conjunctions == ((Term(Kind.EMAIL, "a@evil.com"),),)
    md5 = "D41D8CD98F00B204E9800998ECF8427E"
    assert rule(f"[file:hashes.MD5 = '{md5}']").conjunctions == ((Term(Kind.HASH, md5.lower()),),)
    sha = "a" * 64
    assert rule(f"[file:hashes.'SHA-256' = '{sha}']").conjunctions == ((Term(Kind.HASH, sha),),)
    assert rule("[ipv4-addr:value ISSUBSET '10.0.0.0/8']").conjunctions == ((Term(Kind.CIDR4, "10.0.0.0/8"),),)


def test_or_and_within_and_or_between_observations() -> None:
    r = rule("[domain-name:value = 'a.com' OR (ipv4-addr:value = '1.2.3.4' AND url:value = 'http://b.com/')]")
    assert r.conjunctions == (
        (Term(Kind.DOMAIN, "a.com"),),
        (Term(Kind.IPV4, "1.2.3.4"), Term(Kind.URL, "http://b.com/")),
    )
    r = rule("[domain-name:value = 'a.com'] OR [domain-name:value IN ('b.com', 'c.com')]")
    assert len(r.conjunctions) == 3


def test_unevaluable_shapes_are_reported_with_a_reason() -> None:
    assert "correlation" in unevaluable("[domain-name:value = 'a.com'] FOLLOWEDBY [domain-name:value = 'b.com']")
    assert "correlation" in unevaluable("[domain-name:value = 'a.com'] AND [domain-name:value = 'b.com']")
    assert "qualifiers" in unevaluable("[domain-name:value = 'a.com'] REPEATS 5 TIMES")
    assert "cannot be looked for" in unevaluable("[process:name = 'evil.exe']")
    assert "not supported" in unevaluable("[domain-name:value LIKE '%.evil.com']")
    assert "not supported" in unevaluable("[domain-name:value NOT = 'a.com']")
    assert "not an IP" in unevaluable("[ipv4-addr:value = '999.1.1.1']")
    assert "pattern_type" in unevaluable("alert tcp any any -> any any", pattern_type="snort")
    assert "invalid pattern" in unevaluable("[domain-name:value = ")
    # an AND with one part we cannot evaluate cannot be confirmed at all
    assert unevaluable("[domain-name:value = 'a.com' AND process:name = 'x']")


def test_partly_evaluable_or_keeps_what_it_can_and_says_so() -> None:
    r = rule("[domain-name:value = 'a.com' OR process:name = 'x.exe']")
    assert r.conjunctions == ((Term(Kind.DOMAIN, "a.com"),),)
    assert r.partial and "process:name" in r.partial


def test_revoked_and_valid_until() -> None:
    assert rule_of(ind("[domain-name:value = 'a.com']", revoked=True)) is None
    assert rule("[domain-name:value = 'a.com']", valid_until="2026-06-01T00:00:00Z").valid_until_us > 0
    assert "valid_until" in unevaluable("[domain-name:value = 'a.com']", valid_until="soon")
