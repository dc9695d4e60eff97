"""Search for people: free text, a pasted observable (defanged or not), type, TLP, a date range in
Hong Kong days and a producer, newest first, always under the reader's Visibility."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers

from lionrock.access.model import Principal
from lionrock.errors import BadRequest
from lionrock.hub import query
from lionrock.hub.context import Hub
from lionrock.intake.defang import refang
from lionrock.match.values import BadValue, Kind, guess
from lionrock.stix.tlp import Tlp
from lionrock.store import members
from lionrock.store.engine import read_transaction
from lionrock.store.objects import ObjectQuery

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
ANONYMOUS = "anonymous"
MAX_TEXT = 200
MAX_WORDS = 12
MAX_OBSERVABLE = 2000
MAX_LIMIT = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ().-]{6,24}$")
_TOKEN_RE = re.compile(r"^\S+$")


@dataclass(frozen=True)
class Observable:
    """A pasted value as the hub compares it: what it looks like and the forms looked for."""

    kind: str  # ipv4-addr, domain-name, url, email-addr, hash, phone-number, value
    forms: tuple[str, ...]

    @property
    def shown(self) -> str:
        return self.forms[0]


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    observable: str = ""
    types: tuple[str, ...] = ()
    tlps: tuple[Tlp, ...] = ()
    date_field: str = "added"  # "added" (reached the hub) or "modified" (the object's own time)
    date_from: date | None = None  # Hong Kong calendar days, both ends included
    date_to: date | None = None
    producer: str = ""  # an organisation's name, or "anonymous"
    limit: int = 50
    before: tuple[int, int] | None = None


@dataclass(frozen=True)
class SearchResult:
    page: query.Page
    observable: Observable | None
    """Set when the search compared an observable (pasted in its field, or alone in the text)."""


_KIND_NAMES = {
    Kind.IPV4: "ipv4-addr",
    Kind.IPV6: "ipv6-addr",
    Kind.CIDR4: "ipv4-addr",
    Kind.CIDR6: "ipv6-addr",
    Kind.DOMAIN: "domain-name",
    Kind.URL: "url",
    Kind.EMAIL: "email-addr",
    Kind.HASH: "hash",
}


def observable_forms(text: str) -> Observable | None:
    """The forms a pasted observable is looked for in: refanged ('1.2.3[.]4', 'hxxp://…',
    'a[@]b[.]com'), canonical as the matcher writes it, and as written. Phone numbers are tried in
    E.164 with Hong Kong as the default region, as report intake stores them. None for empty text."""
    written = text.strip().strip("\"'<>[]")
    if not written:
        return None
    refanged = refang(written).text.strip()
    forms: list[str] = []
    kind = "value"
    try:
        found, canonical = guess(refanged)
        kind = _KIND_NAMES[found]
        forms.append(canonical)
        if found is Kind.URL:
            forms.append(refanged.lower())
            if canonical.endswith("/"):
                forms.append(canonical[:-1])
    except BadValue:
        pass
    if _PHONE_RE.match(refanged) and not refanged.replace(".", "").isdigit():
        phone = _phone(refanged)
        if phone is not None:
            kind = "phone-number"
            forms.insert(0, phone)
    forms.append(refanged.lower())
    unique = tuple(dict.fromkeys(f[:MAX_OBSERVABLE] for f in forms if f))
    return Observable(kind, unique)


def _phone(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "HK")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def text_is_observable(text: str) -> Observable | None:
    """Free text that is one pasted observable: a single token that was defanged, or that is an
    address, URL, e-mail address or hash (a bare word like 'mimikatz.exe' stays free text)."""
    token = text.strip()
    if not _TOKEN_RE.match(token):
        return None
    found = observable_forms(token)
    if found is None:
        return None
    defanged = refang(token).text != token
    if defanged or found.kind not in ("value", "domain-name"):
        return found
    return None


def hk_day_start(day: date) -> int:
    """The first microsecond of a Hong Kong calendar day, since the epoch."""
    start = datetime(day.year, day.month, day.day, tzinfo=HONG_KONG)
    delta = start - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000


def search(hub: Hub, principal: Principal, req: SearchRequest) -> SearchResult:
    """One page of the latest visible versions matching every filter, newest first."""
    if len(req.text) > MAX_TEXT or len(req.text.split()) > MAX_WORDS:
        raise BadRequest(f"the search text may have at most {MAX_TEXT} characters and {MAX_WORDS} words")
    if len(req.observable) > MAX_OBSERVABLE:
        raise BadRequest(f"an observable may have at most {MAX_OBSERVABLE} characters")
    if not 1 <= req.limit <= MAX_LIMIT:
        raise BadRequest(f"a page holds 1 to {MAX_LIMIT} results")
    if any(d.year < 1900 or d.year > 9000 for d in (req.date_from, req.date_to) if d):
        raise BadRequest("dates must lie between the years 1900 and 9000")
    if req.date_field not in ("added", "modified"):
        raise BadRequest("the date may be 'added' or 'modified'")
    if req.date_from and req.date_to and req.date_from > req.date_to:
        raise BadRequest("the start date is after the end date")
    observable = observable_forms(req.observable) if req.observable.strip() else None
    text = req.text
    if observable is None and req.text.strip():
        observable = text_is_observable(req.text)
        if observable is not None:
            text = ""
    start = hk_day_start(req.date_from) if req.date_from else None
    end = hk_day_start(req.date_to + timedelta(days=1)) if req.date_to else None
    added = req.date_field == "added"
    producer_id: int | None = None
    if req.producer and req.producer != ANONYMOUS:
        with read_transaction(hub.engine) as conn:
            org = members.org_by_name(conn, req.producer)
        if org is None:
            raise BadRequest("no member organisation of that name")
        producer_id = org.id
    q = ObjectQuery(
        types=req.types,
        text=refang(text).text if text.strip() else None,
        tlps=tuple(t.value for t in req.tlps),
        added_from=start if added else None,
        added_to=end if added else None,
        modified_from=None if added else start,
        modified_to=None if added else end,
        producer_org_id=producer_id,
        anonymous_producer=req.producer == ANONYMOUS,
        observables=observable.forms if observable else (),
        before=req.before,
        newest_first=True,
        limit=req.limit,
    )
    return SearchResult(query.list_objects(hub, principal, q), observable)


MAX_RELATED = 200


def related_objects(hub: Hub, principal: Principal, ids: list[str]) -> dict[str, query.Shown]:
    """The latest visible version of each of these ids (at most MAX_RELATED); an id the reader may
    not see is simply absent, exactly like one the hub does not hold."""
    wanted = tuple(sorted(set(ids)))[:MAX_RELATED]
    if not wanted:
        return {}
    page = query.list_objects(hub, principal, ObjectQuery(ids=wanted, limit=len(wanted) * 4))
    found: dict[str, query.Shown] = {}
    for item in page.items:
        sid = item.version.stix_id
        if sid not in found or item.version.version > found[sid].version.version:
            found[sid] = item
    return found
