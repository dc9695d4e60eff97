"""Every matching rule users rely on, and the near misses that must not match."""

import pytest

from lionrock.match import Withdrawn
from tests.match.helpers import compiled, hit_lines, ind, scan

MD5 = "d41d8cd98f00b204e9800998ecf8427e"


def lines_for(pattern: str, text: str) -> list[int]:
    return hit_lines(compiled(ind(pattern)), text)


def test_ipv4_exact_without_substring_matches() -> None:
    text = "a 198.51.100.7 b\n198.51.100.70\n1198.51.100.7\nx=198.51.100.7:443\n198.51.100.7.evil.com\n"
    assert lines_for("[ipv4-addr:value = '198.51.100.7']", text) == [1, 4]


@pytest.mark.parametrize("workers", [1, 2])
def test_ipv4_cidr_ranges_on_and_off_octet_boundaries(workers: int) -> None:
    cs = compiled(ind("[ipv4-addr:value = '203.0.113.0/24']"), ind("[ipv4-addr:value = '192.0.2.64/26']"))
    text = "203.0.113.9\n203.0.114.9\n192.0.2.100\n192.0.2.63\n192.0.2.127\n"
    hits, _ = scan(cs, text, workers=workers)
    assert [h.line for h in hits] == [1, 3, 5]


def test_ipv6_exact_and_cidr_in_any_textual_form() -> None:
    cs = compiled(ind("[ipv6-addr:value = '2001:db8::1']"), ind("[ipv6-addr:value = '2001:db8:aa::/48']"))
    text = (
        "src=2001:DB8:0:0:0:0:0:1 dst=x\n"  # the same address, uncompressed and upper-case
        "2001:db8::10\n"
        "[2001:db8:aa:1::5]:443\n"
        "2001:db8:ab::5\n"
        "time 10:22:33 mac aa:bb:cc:dd:ee:ff\n"
    )
    assert hit_lines(cs, text) == [1, 3]


def test_domain_matches_itself_and_subdomains_only() -> None:
    text = "\n".join(
        [
            "query evil.com",  # 1
            "query a.b.EVIL.com",  # 2
            "query notevil.com",  # 3
            "query evil.com.au",  # 4
            "query evil.co",  # 5
            "GET http://cdn.evil.com/x",  # 6
            "fqdn evil.com.",  # 7
            "mail from bob@mx.evil.com",  # 8
            "my-evil.com",  # 9
        ]
    )
    assert lines_for("[domain-name:value = 'evil.com']", text) == [1, 2, 6, 7, 8]


def test_url_matches_after_normalisation_only() -> None:
    text = "\n".join(
        [
            "GET http://evil.com/login.php?id=1",  # 1 exact
            "GET HTTP://EVIL.COM:80/login.php?id=1",  # 2 scheme/host case, default port
            "GET http://evil.com/%6Cogin.php?id=1",  # 3 percent-encoded unreserved
            "GET http://evil.com/login.php?id=12",  # 4 different query
            "GET http://evil.com/Login.php?id=1",  # 5 path case differs
            "GET http://evil.com:8080/login.php?id=1",  # 6 other port
            'referer "http://evil.com/login.php?id=1"',  # 7 quoted
        ]
    )
    assert lines_for("[url:value = 'http://evil.com/login.php?id=1']", text) == [1, 2, 3, 7]


def test_email_is_case_insensitive_and_whole() -> None:
    text = "from Bob@Evil.com\nfrom xbob@evil.com\nfrom bob@evil.com.hk\nto: bob@evil.com>\n"
    assert lines_for("[email-addr:value = 'bob@evil.com']", text) == [1, 4]


def test_hashes_case_insensitive_and_not_inside_longer_digests() -> None:
    text = f"md5={MD5.upper()}\nsha256={'0' * 32}{MD5}\nx {MD5}\n"
    assert lines_for(f"[file:hashes.MD5 = '{MD5}']", text) == [1, 3]


def test_and_within_an_observation_needs_both_on_the_same_line() -> None:
    pattern = "[domain-name:value = 'evil.com' AND ipv4-addr:value = '198.51.100.7']"
    text = "evil.com\n198.51.100.7\nevil.com 198.51.100.7\n"
    hits, _ = scan(compiled(ind(pattern)), text)
    assert [h.line for h in hits] == [3]
    assert hits[0].kind == "and" and "evil.com" in hits[0].value and "198.51.100.7" in hits[0].value


def test_or_matches_either_and_one_hit_per_indicator_and_line() -> None:
    text = "evil.com 198.51.100.7\nevil.com\n"
    hits, _ = scan(compiled(ind("[domain-name:value = 'evil.com' OR ipv4-addr:value = '198.51.100.7']")), text)
    assert [h.line for h in hits] == [1, 2]


def test_two_indicators_with_the_same_value_both_hit() -> None:
    a, b = ind("[domain-name:value = 'evil.com']"), ind("[domain-name:value = 'EVIL.com']")
    hits, _ = scan(compiled(a, b), "evil.com\n")
    assert sorted(h.indicator_id for h in hits) == sorted([a["id"], b["id"]])


def test_valid_until_is_compared_with_the_log_time() -> None:
    cs = compiled(ind("[domain-name:value = 'evil.com']", valid_until="2026-06-01T00:00:00Z"))
    text = "2026-05-01T10:00:00Z evil.com\n2026-07-01T10:00:00Z evil.com\nno time evil.com\n"
    hits, stats = scan(cs, text)  # scan "now" is 2027, so a line without time is after valid_until
    assert [h.line for h in hits] == [1]
    assert stats.expired == 2


def test_revoked_indicators_never_match() -> None:
    live = ind("[domain-name:value = 'evil.com']")
    cs = compiled(live)
    cs.update([Withdrawn(live["id"])])
    assert hit_lines(cs, "evil.com\n") == []


def test_hits_carry_value_file_line_and_time() -> None:
    hits, _ = scan(compiled(ind("[domain-name:value = 'evil.com']")), "x\n2026-11-22T10:00:00+08:00 a.Evil.com\n")
    (hit,) = hits
    assert (hit.value, hit.file, hit.line, hit.timestamp) == ("a.evil.com", "log", 2, "2026-11-22T02:00:00.000000Z")


def test_url_with_an_ipv6_host() -> None:
    text = "GET http://[2001:DB8:0::1]:80/x.php\nGET http://[2001:db8::2]/x.php\n"
    assert lines_for("[url:value = 'http://[2001:db8::1]/x.php']", text) == [1]
