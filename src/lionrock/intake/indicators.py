"""Indicator and personal-data extraction from a Document (pure; regexes plus checksums).

One pass of a combined regex over the refanged text; each candidate is validated (public suffix
list, ipaddress, checksums) and classified by its context. Our own extractor: ioc-finder and
iocsearcher (the peers in benchmarks/extraction.py) are an order of magnitude slower here.
"""

from __future__ import annotations

import ipaddress
import re
import string
from collections.abc import Callable
from functools import lru_cache

import phonenumbers
from publicsuffixlist import PublicSuffixList

from lionrock.intake.defang import Refanged, refang
from lionrock.intake.document import Document
from lionrock.intake.findings import Evidence, Finding
from lionrock.intake.personal import personal_spans
from lionrock.intake.validators import base58check_ok, bech32_ok, hkid_ok, luhn_ok
from lionrock.intake.warninglist import domain_flags, ip_flags

_PSL = PublicSuffixList()  # the list ships inside the package: no download at run time
MAX_EVIDENCE = 5
# Candidate passes: each regex starts with a narrow character class or a literal, so the engine
# skips most of the text; candidates are then validated in Python (possessive quantifiers keep
# every pass linear).
_PASSES = {
    "dotted": re.compile(r"[.@][\w-]"),
    "long": re.compile(r"[0-9A-Za-z]{25,130}"),
    "cve": re.compile(r"CVE-\d{4}-\d{4,7}"),
    "asn": re.compile(r"AS(?:N\s?|\s?)\d{1,10}(?!\d)"),
    "registry": re.compile(
        r"HK(?:EY_LOCAL_MACHINE|EY_CURRENT_USER|EY_CLASSES_ROOT|EY_USERS|EY_CURRENT_CONFIG|LM|CU|CR|U|CC)"
        r"\\[^\s\"'<>,;]+"
    ),
    "ipv6": re.compile(r":[0-9A-Fa-f]{0,4}:"),
    "digits": re.compile(r"\d[\d \t().-]{5,22}\d\)?"),
}
# Passes whose anchor sits inside the token: the handler gets the whole token around it.
_TOKEN_RIGHT = {
    "dotted": re.compile(r"[\w.@/:%?=&#+~\[\]!$*,;'()-]*"),
    "ipv6": re.compile(r"[0-9A-Fa-f:.]*(?:/\d{1,3})?"),
}
_LEFT_CHARS = {
    "dotted": frozenset(string.ascii_letters + string.digits + "_%+-.@"),
    "ipv6": frozenset(string.hexdigits + ":"),
}
_WORDISH = frozenset(string.ascii_letters + string.digits + "_%+-")
# A candidate must not continue a longer token on its left.
_NOT_AFTER = {
    "long": re.compile(r"[0-9A-Za-z]"),
    "asn": re.compile(r"[A-Za-z]"),
    "registry": re.compile(r"[A-Za-z]"),
    "cve": re.compile(r"[A-Za-z0-9]"),
}
_IPV4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:/(?:3[0-2]|[12]?\d))?"
)
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}")
_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}")
_SCHEME = re.compile(r"(?:https?|ftp)://$", re.IGNORECASE)
_NON_DIGITS = re.compile(r"\D")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_URL_END = re.compile(r"[\s<>\"'`|\\^{}]")
_HKID = re.compile(r"([A-Z]{1,2})(\d{6})\s?\(?([0-9A])\)?")
_ACCOUNT = re.compile(r"\d{3}-\d{3}-\d{5,9}|\d{3}-\d{6,12}")
_TRAILING = ".,;:!?)]}>'\""
_HASH_TYPES = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_PHONE_CONTEXT = re.compile(r"(?i)\b(?:tel|phone|call|calls|caller|whatsapp|sms|text|hotline|mobile|number|dial)")
_PERSONAL_CONTEXT = re.compile(
    r"(?i)\b(?:victim|victims|customer|customers|client|employee|employees|staff|patient|account holder|"
    r"cardholder|personal|his|her|their|mr|mrs|ms|dob|date of birth|resident|complainant)\b"
)
_ATTACKER_CONTEXT = re.compile(
    r"(?i)\b(?:scam|scammer|fraud|fraudster|attacker|actor|malicious|phishing|spoof|spoofed|impersonat\w*|"
    r"sender|c2|command and control|mule|threat)\b"
)
_ACCOUNT_CONTEXT = re.compile(r"(?i)\b(?:account|a/c|acct|bank|transfer|deposit|mule|beneficiary)\b")
_FPS_CONTEXT = re.compile(r"FPS|Faster Payment|faster payment|轉數快")
_FPS_ID = re.compile(r"\b\d{7,9}\b")


@lru_cache(maxsize=65536)
def registrable(domain: str) -> bool:
    """A name under a real public suffix (so `invoice.pdf` is not a domain while `evil.zip` is)."""
    return _PSL.privatesuffix(domain, accept_unknown=False) is not None


class _Collector:
    def __init__(self, doc: Document, refanged: Refanged, publisher: frozenset[str]) -> None:
        self.doc, self.rf, self.publisher = doc, refanged, publisher
        self.found: dict[tuple[str, str], Finding] = {}
        self.spans: list[tuple[int, int]] = []  # refanged offsets of every value added

    def add(
        self, kind: str, value: str, start: int, end: int, flags: list[str] | None = None, personal: bool = False
    ) -> None:
        key = (kind if not personal else f"personal:{kind}", value)
        self.spans.append((start, end))
        finding = self.found.get(key)
        if finding is not None and len(finding.evidence) >= MAX_EVIDENCE:
            return  # seen often enough: skip the offset work
        o_start, o_end = self.rf.original(start), self.rf.original(end)
        if finding is None:
            written = self.doc.text[o_start:o_end]
            finding = self.found[key] = Finding(kind, value, written, list(flags or []), personal=personal)
        finding.evidence.append(Evidence(self.doc.page_at(o_start), o_start, o_end, self.doc.text))

    def covers(self, start: int, end: int) -> bool:
        """A value already added overlaps this stretch (the regex extractor's reading wins)."""
        return any(s < end and start < e for s, e in self.spans)

    def context(self, start: int, end: int, width: int = 80) -> str:
        return self.rf.text[max(0, start - width) : end + width]


_CLAUSE_END = re.compile(r"[.;!?\n](?:\s|$)")


def _clause(text: str, s: int, e: int) -> tuple[int, int]:
    """The clause around a span (cues from the next sentence must not decide)."""
    lo = max(0, s - 60)
    for m in _CLAUSE_END.finditer(text, lo, s):
        lo = m.end()
    end = _CLAUSE_END.search(text, e, min(len(text), e + 40))
    return lo, end.start() if end else min(len(text), e + 40)


def _cue(text: str, s: int, e: int) -> str | None:
    """The cue that decides: the nearest one before the value in its clause, else the nearest after."""
    lo, hi = _clause(text, s, e)
    before: list[tuple[int, str]] = []
    after: list[tuple[int, str]] = []
    for kind, pattern in (("personal", _PERSONAL_CONTEXT), ("attacker", _ATTACKER_CONTEXT)):
        for m in pattern.finditer(text, lo, hi):
            if m.end() <= s:
                before.append((s - m.end(), kind))
            elif m.start() >= e:
                after.append((m.start() - e, kind))
    if before:
        return min(before)[1]
    return min(after)[1] if after else None


def _is_personal(c: _Collector, s: int, e: int) -> bool:
    """Personal data of a victim or customer when the deciding cue around it says so (the analyst
    confirms in the draft); otherwise an indicator about the attacker."""
    return _cue(c.rf.text, s, e) == "personal"


def _url(c: _Collector, text: str, s: int, e: int) -> None:
    url = text.rstrip(_TRAILING)
    e = s + len(url)
    host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    host = host.split(":", 1)[0].lower()
    if not host:
        return
    scheme, rest = url.split("://", 1)
    normalised = f"{scheme.lower()}://{rest.replace(rest.split('/', 1)[0], rest.split('/', 1)[0].lower(), 1)}"
    flags = domain_flags(host, c.publisher)
    if _IPV4.fullmatch(host) or (":" in host and _is_ip(host)):
        flags += ip_flags(ipaddress.ip_address(host))
    c.add("url", normalised, s, e, flags)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _email(c: _Collector, text: str, s: int, e: int) -> None:
    value = text.lower()
    domain = value.rsplit("@", 1)[1]
    if not registrable(domain):
        return
    c.add("email-addr", value, s, e, domain_flags(domain, c.publisher), personal=_is_personal(c, s, e))


def _ipv4(c: _Collector, text: str, s: int, e: int) -> None:
    if "/" in text:
        net = ipaddress.ip_network(text, strict=False)
        c.add("cidr", str(net), s, e, ip_flags(net.network_address))
    else:  # the regex admits only canonical dotted quads, so the text is the value
        c.add("ipv4-addr", text, s, e, _ipv4_flags(text))


@lru_cache(maxsize=65536)
def _ipv4_flags(text: str) -> list[str]:
    return ip_flags(ipaddress.IPv4Address(text))


def _ipv6(c: _Collector, text: str, s: int, e: int) -> None:
    try:
        if "/" in text:
            net = ipaddress.ip_network(text, strict=False)
            c.add("cidr", str(net), s, e, ip_flags(net.network_address))
        elif sum(1 for group in text.split(":") if group) >= 3:  # not '::' or a clock time
            address = ipaddress.IPv6Address(text)
            c.add("ipv6-addr", str(address), s, e, ip_flags(address))
    except ValueError:
        return


def _hash(c: _Collector, text: str, s: int, e: int) -> None:
    kind = _HASH_TYPES.get(len(text))
    if kind:
        c.add(kind, text.lower(), s, e)


def _domain(c: _Collector, text: str, s: int, e: int) -> None:
    value = text.lower().rstrip(".")
    if registrable(value):
        c.add("domain-name", value, s, e, domain_flags(value, c.publisher))


_DATE_LIKE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")


def _phone(c: _Collector, text: str, s: int, e: int) -> None:
    digits = len(_NON_DIGITS.sub("", text))
    international = text.startswith(("+", "00"))
    if not 8 <= digits <= 15 or (not international and digits not in (8, 11)) or _DATE_LIKE.search(text):
        return  # not a number phonenumbers could accept here: skip its (costly) parser
    context = c.context(s, e)
    if not international and not text.startswith("852") and not _PHONE_CONTEXT.search(context):
        return
    try:
        number = phonenumbers.parse(text if not text.startswith("00") else "+" + text[2:], "HK")
    except phonenumbers.NumberParseException:
        return
    if not phonenumbers.is_valid_number(number):
        return
    value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    c.add("phone-number", value, s, e, personal=_is_personal(c, s, e))


def _hkid(c: _Collector, text: str, s: int, e: int) -> bool:
    m = _HKID.fullmatch(text)
    if m and hkid_ok(m.group(1), m.group(2), m.group(3)):
        c.add("hkid", f"{m.group(1)}{m.group(2)}({m.group(3)})", s, e, personal=True)
        return True
    return False


def _btc(c: _Collector, text: str, s: int, e: int) -> None:
    if bech32_ok(text) if text.startswith("bc1") else base58check_ok(text):
        c.add("bitcoin-address", text, s, e)


def _simple(kind: str, normalise: Callable[[str], str]) -> Callable[[_Collector, str, int, int], None]:
    def handler(c: _Collector, text: str, s: int, e: int) -> None:
        c.add(kind, normalise(text), s, e)

    return handler


def _asn(c: _Collector, text: str, s: int, e: int) -> None:
    number = _NON_DIGITS.sub("", text)
    if number and 0 < int(number) < 4_294_967_296 and text[:2] == "AS":
        c.add("asn", f"AS{int(number)}", s, e)


def _dotted(c: _Collector, text: str, s: int, e: int) -> None:
    full = c.rf.text
    stripped = text.lstrip(".@-+%")
    s += len(text) - len(stripped)
    text = stripped
    scheme = _SCHEME.search(full, max(0, s - 8), s)
    if scheme is not None:
        end = _URL_END.search(full, s)
        _url(c, full[scheme.start() : end.start() if end else len(full)], scheme.start(), e)
        ip = _IPV4.match(text)
        if ip and (ip.end() == len(text) or text[ip.end()] in ":/?#"):
            _ipv4(c, ip.group(), s, s + ip.end())  # the host of a URL is an indicator too
            return
        host = _DOMAIN.match(text)
        if host:
            _domain(c, host.group(), s, s + host.end())
        return
    token = text.rstrip(_TRAILING)
    if "@" in token:
        email = _EMAIL.match(token)
        if email:
            _email(c, email.group(), s, s + email.end())
            at = email.group().index("@") + 1
            if not c.found.get(("personal:email-addr", email.group().lower())):
                _domain(c, email.group()[at:], s + at, s + email.end())  # the sender's domain
        return
    ip = _IPV4.match(token)
    if ip and _ends_token(token, ip.end(), ip=True):
        _ipv4(c, ip.group(), s, s + ip.end())
        return
    host = _DOMAIN.match(token)
    if host and _ends_token(token, host.end()):
        _domain(c, host.group(), s, s + host.end())


def _ends_token(token: str, end: int, ip: bool = False) -> bool:
    """The match is a whole token: what follows is markup or a port/path, not more name."""
    if end == len(token):
        return True
    nxt = token[end]
    if nxt.isalnum() or nxt in "_-" or (ip and nxt == "." and token[end + 1 : end + 2].isdigit()):
        return False
    return nxt not in "@" and not (nxt == "." and token[end + 1 : end + 2].isalnum())


def _long(c: _Collector, text: str, s: int, e: int) -> None:
    n = len(text)
    if n in _HASH_TYPES and _HEX.fullmatch(text):
        _hash(c, text, s, e)
    elif n == 42 and text.startswith("0x") and _HEX.fullmatch(text, 2):
        c.add("ethereum-address", text.lower(), s, e)
    elif n == 95 and text[0] == "4" and text[1] in "0123456789AB":
        c.add("monero-address", text, s, e)
    elif text[0] in "13" or text.startswith("bc1"):
        _btc(c, text, s, e)


def _digits(c: _Collector, text: str, s: int, e: int) -> None:
    full = c.rf.text
    for back in (2, 1):
        if s - back >= 0 and full[s - back : s].isalpha() and _hkid(c, full[s - back : e], s - back, e):
            return
    if s > 0 and full[s - 1].isalnum():
        return  # digits inside a longer token
    digits = _NON_DIGITS.sub("", text)
    if 13 <= len(digits) <= 19 and digits[0] in "3456" and luhn_ok(digits):
        c.add("card-number", digits, s, e, personal=True)
        return
    account = _ACCOUNT.fullmatch(text.strip("()"))
    if account and _ACCOUNT_CONTEXT.search(c.context(s, e)):
        c.add("bank-account", account.group(), s, e, personal=_is_personal(c, s, e))
        return
    _phone(c, text.rstrip(")"), s, e)


_HIVES = {
    "HKLM": "HKEY_LOCAL_MACHINE",
    "HKCU": "HKEY_CURRENT_USER",
    "HKCR": "HKEY_CLASSES_ROOT",
    "HKU": "HKEY_USERS",
    "HKCC": "HKEY_CURRENT_CONFIG",
}


def _registry(c: _Collector, text: str, s: int, e: int) -> None:
    written = text.rstrip(_TRAILING)
    hive, _, rest = written.partition("\\")
    c.add("registry-key", f"{_HIVES.get(hive.upper(), hive.upper())}\\{rest}", s, s + len(written))


_HANDLERS: dict[str, Callable[[_Collector, str, int, int], None]] = {
    "dotted": _dotted,
    "long": _long,
    "cve": _simple("cve", str.upper),
    "asn": _asn,
    "registry": _registry,
    "ipv6": _ipv6,
    "digits": _digits,
}


def extract(doc: Document, publisher_domains: frozenset[str] = frozenset()) -> list[Finding]:
    """Every indicator and personal-data finding in a document, deduplicated by (type, value),
    in order of first appearance."""
    refanged = refang(doc.text)
    publisher = publisher_domains | _source_domains(doc)
    collector = _Collector(doc, refanged, publisher)
    text = refanged.text
    for kind, pattern in _PASSES.items():
        handler = _HANDLERS[kind]
        right = _TOKEN_RIGHT.get(kind)
        not_after = _NOT_AFTER.get(kind)
        last_end = -1
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if right is not None:
                if start < last_end or (kind == "dotted" and (start == 0 or text[start - 1] not in _WORDISH)):
                    continue  # another anchor inside a token already handled, or a sentence's full stop
                allowed = _LEFT_CHARS[kind]
                while start > 0 and text[start - 1] in allowed:
                    start -= 1
                tail = right.match(text, m.start() + 1)
                end = tail.end() if tail else m.end()
                last_end = end
            elif kind == "digits" and start > 0 and text[start - 1] in "+(":
                start -= 1  # '+852 …' or '(852) …'
                if start > 0 and not_after is not None and not_after.match(text, start - 1):
                    continue
            elif (not_after is not None and start > 0 and not_after.match(text, start - 1)) or (
                kind == "long" and end < len(text) and text[end].isalnum()
            ):
                continue
            handler(collector, text[start:end], start, end)
    for m in _FPS_CONTEXT.finditer(text):
        for fps in _FPS_ID.finditer(text, m.end(), min(len(text), m.end() + 40)):
            personal = _is_personal(collector, fps.start(), fps.end())
            collector.add("fps-id", fps.group(), fps.start(), fps.end(), personal=personal)
    _engine_personal(collector, text)
    for a in doc.attachments:
        for kind, value in (("md5", a.md5), ("sha1", a.sha1), ("sha256", a.sha256)):
            at = text.find(value)
            if at >= 0:
                collector.add(kind, value, at, at + len(value), ["attachment"])
    return sorted(collector.found.values(), key=lambda f: f.evidence[0].start if f.evidence else 0)


def _engine_personal(c: _Collector, text: str) -> None:
    """lionrock.pii's findings the regex passes did not make: HKIDs in every written form, names,
    addresses, and phones, accounts and FPS ids the regexes missed. A name only counts with a
    personal cue in its clause (a name beside 'scammer' is neither personal data nor an indicator)."""
    for p in personal_spans(text):
        if c.covers(p.start, p.end):
            continue
        if not p.contextual:
            c.add(p.kind, p.value, p.start, p.end, personal=True)
        elif p.kind == "person-name":
            if _is_personal(c, p.start, p.end):
                c.add(p.kind, p.value, p.start, p.end, personal=True)
        else:
            c.add(p.kind, p.value, p.start, p.end, personal=_is_personal(c, p.start, p.end))


def _source_domains(doc: Document) -> frozenset[str]:
    if doc.source_url and "://" in doc.source_url:
        host = doc.source_url.split("://", 1)[1].split("/", 1)[0].lower()
        site = _PSL.privatesuffix(host, accept_unknown=False)
        return frozenset({site}) if site else frozenset()
    return frozenset()
