import pytest

from lionrock.match.values import BadValue, Kind, domain, email, file_hash, guess, ip_term, url, url_host


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTP://Evil.COM/a", "http://evil.com/a"),
        ("http://evil.com:80/a", "http://evil.com/a"),
        ("https://evil.com:443/a", "https://evil.com/a"),
        ("https://evil.com:8443/a", "https://evil.com:8443/a"),
        ("http://evil.com/%7Euser/%2d", "http://evil.com/~user/-"),
        ("http://evil.com/a%2fb", "http://evil.com/a%2Fb"),
        ("http://evil.com/a b", "http://evil.com/a%20b"),
        ("http://evil.com", "http://evil.com/"),
        ("http://evil.com/a/./b/../c", "http://evil.com/a/c"),
        ("http://evil.com/a?q=%41", "http://evil.com/a?q=A"),
        ("http://evil.com/a#frag", "http://evil.com/a"),
        ("evil.com/login", "http://evil.com/login"),
        ("http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
    ],
)
def test_url_normal_form(given: str, expected: str) -> None:
    assert url(given) == expected


def test_url_path_and_query_case_are_kept() -> None:
    assert url("http://evil.com/Login") != url("http://evil.com/login")
    assert url("http://evil.com/a?x=1") != url("http://evil.com/a?x=2")


def test_url_host() -> None:
    assert url_host(url("http://u:p@Evil.com:8080/x")) == "evil.com"
    assert url_host(url("http://[2001:db8::1]/x")) == "2001:db8::1"


def test_domains_emails_hashes() -> None:
    assert domain("Evil.COM.") == "evil.com"
    assert domain("bücher.de") == "xn--bcher-kva.de"
    assert email("Bob@Evil.COM") == "bob@evil.com"
    assert file_hash("ABCDEF" + "0" * 26) == "abcdef" + "0" * 26
    for bad, fn in [("localhost", domain), ("1.2.3.4", domain), ("bob", email), ("abc", file_hash), ("-x.com", domain)]:
        with pytest.raises(BadValue):
            fn(bad)


def test_ip_terms() -> None:
    assert ip_term("10.0.0.1") == (Kind.IPV4, "10.0.0.1")
    assert ip_term("10.0.0.1/32") == (Kind.IPV4, "10.0.0.1")
    assert ip_term("10.1.2.3/8") == (Kind.CIDR4, "10.0.0.0/8")
    assert ip_term("2001:DB8:0:0::1") == (Kind.IPV6, "2001:db8::1")
    assert ip_term("2001:db8::/32") == (Kind.CIDR6, "2001:db8::/32")
    for bad in ["256.1.1.1", "1.2.3", "10.0.0.0/33", "x"]:
        with pytest.raises(BadValue):
            ip_term(bad)


def test_guess_kinds() -> None:
    assert guess("1.2.3.4")[0] == Kind.IPV4
    assert guess("10.0.0.0/8")[0] == Kind.CIDR4
    assert guess("evil.com")[0] == Kind.DOMAIN
    assert guess("http://evil.com/x")[0] == Kind.URL
    assert guess("a@evil.com")[0] == Kind.EMAIL
    assert guess("d41d8cd98f00b204e9800998ecf8427e")[0] == Kind.HASH
