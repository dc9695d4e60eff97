"""Values that are probably benign: flagged, never dropped. The hub can extend the list."""

from __future__ import annotations

import ipaddress

BENIGN_DOMAINS = frozenset(
    [
        "microsoft.com",
        "windows.com",
        "windowsupdate.com",
        "office.com",
        "office365.com",
        "live.com",
        "outlook.com",
        "bing.com",
        "google.com",
        "googleapis.com",
        "gstatic.com",
        "youtube.com",
        "gmail.com",
        "android.com",
        "apple.com",
        "icloud.com",
        "amazon.com",
        "amazonaws.com",
        "cloudflare.com",
        "akamai.net",
        "akamaihd.net",
        "github.com",
        "githubusercontent.com",
        "twitter.com",
        "x.com",
        "facebook.com",
        "linkedin.com",
        "instagram.com",
        "wikipedia.org",
        "mozilla.org",
        "adobe.com",
        "virustotal.com",
        "mitre.org",
        "attack.mitre.org",
        "cisa.gov",
        "us-cert.gov",
        "fbi.gov",
        "ic3.gov",
        "nist.gov",
        "first.org",
        "oasis-open.org",
        "w3.org",
        "schema.org",
        "ietf.org",
        "iana.org",
        "hkma.gov.hk",
        "police.gov.hk",
        "hkcert.org",
        "gov.hk",
        "any.run",
        "hybrid-analysis.com",
        "shodan.io",
        "abuse.ch",
        "urlhaus.abuse.ch",
    ]
)
DOCUMENTATION_SUFFIXES = ("example", "test", "invalid", "localhost", "example.com", "example.net", "example.org")
_DOCUMENTATION = frozenset(DOCUMENTATION_SUFFIXES)
DOCUMENTATION_NETS = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def domain_flags(domain: str, publisher_domains: frozenset[str]) -> list[str]:
    flags = []
    labels = domain.split(".")
    suffixes = {".".join(labels[i:]) for i in range(len(labels))}
    if suffixes & BENIGN_DOMAINS:
        flags.append("benign")
    if suffixes & publisher_domains:
        flags.append("publisher")
    if suffixes & _DOCUMENTATION:
        flags.append("documentation")
    return flags


def ip_flags(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[str]:
    if any(address in net for net in DOCUMENTATION_NETS):
        return ["documentation"]
    if address.is_loopback or address.is_link_local or address.is_multicast or address.is_unspecified:
        return ["reserved"]
    if address.is_private:
        return ["private"]
    if address.is_reserved:
        return ["reserved"]
    return []
