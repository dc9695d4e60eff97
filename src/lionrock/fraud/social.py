"""Social-media and messaging accounts, as STIX `user-account` (account_type = platform, account_login).

Written as 'platform:handle', 'platform @handle' or a profile URL (t.me/…, instagram.com/…, wa.me/…).
Case rules per platform, from each platform's own username rules:

| platform | account_type | handle | case |
|---|---|---|---|
| Telegram | telegram | 5-32 of a-z 0-9 _ | folded (Telegram usernames are case-insensitive) |
| Instagram | instagram | 1-30 of a-z 0-9 . _ | folded (case-insensitive) |
| Facebook | facebook | 5-50 of a-z 0-9 . | folded (case-insensitive) |
| X / Twitter | twitter (the STIX vocabulary's name) | 1-15 of a-z 0-9 _ | folded (case-insensitive) |
| TikTok | tiktok | 2-24 of a-z 0-9 . _ | folded (stored lower-case) |
| LINE | line | 4-20 of a-z 0-9 . _ - | folded (LINE IDs are lower-case) |
| WeChat | wechat | 6-20: a letter, then letters, digits, _ - | kept: not documented as case-insensitive |
| WhatsApp | whatsapp | the phone number | E.164 |
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lionrock.errors import Invalid
from lionrock.fraud.clean import clean
from lionrock.fraud.phones import e164


@dataclass(frozen=True)
class Platform:
    account_type: str
    handle: re.Pattern[str] | None  # None: the handle is a phone number
    fold: bool
    names: tuple[str, ...]
    hosts: tuple[str, ...]


PLATFORMS: tuple[Platform, ...] = (
    Platform("telegram", re.compile(r"^[A-Za-z0-9_]{5,32}\Z"), True, ("telegram", "tg"), ("t.me", "telegram.me")),
    Platform("instagram", re.compile(r"^[A-Za-z0-9._]{1,30}\Z"), True, ("instagram", "ig"), ("instagram.com",)),
    Platform("facebook", re.compile(r"^[A-Za-z0-9.]{5,50}\Z"), True, ("facebook", "fb"), ("facebook.com", "fb.com")),
    Platform("twitter", re.compile(r"^[A-Za-z0-9_]{1,15}\Z"), True, ("twitter", "x"), ("twitter.com", "x.com")),
    Platform("tiktok", re.compile(r"^[A-Za-z0-9._]{2,24}\Z"), True, ("tiktok",), ("tiktok.com",)),
    Platform("line", re.compile(r"^[A-Za-z0-9._-]{4,20}\Z"), True, ("line",), ("line.me",)),
    Platform("wechat", re.compile(r"^[A-Za-z][A-Za-z0-9_-]{5,19}\Z"), False, ("wechat", "weixin", "微信"), ()),
    Platform("whatsapp", None, False, ("whatsapp", "wa"), ("wa.me",)),
)
_BY_NAME = {name: p for p in PLATFORMS for name in p.names}
_BY_HOST = {host: p for p in PLATFORMS for host in p.hosts}
_URL_RE = re.compile(r"^(?:https?://)?(?:www\.|m\.)?([a-z0-9.-]+)/(?:ti/p/|add/|@)?([^/?#]+)/?(?:[?#].*)?\Z", re.I)
_NAMED_RE = re.compile(r"^([^\s:：/@]+)\s*[:：/]?\s*@?\s*(.+)\Z")


def user_account(raw: str) -> tuple[str, str]:
    """(account_type, account_login) of a platform account; Invalid with the reason otherwise."""
    text = clean(raw)
    platform, handle = None, ""
    m = _URL_RE.match(text)
    if m and m.group(1).lower() in _BY_HOST:
        platform, handle = _BY_HOST[m.group(1).lower()], m.group(2)
    else:
        n = _NAMED_RE.match(text)
        if n:
            platform, handle = _BY_NAME.get(n.group(1).lower()), n.group(2).strip()
    if platform is None:
        known = ", ".join(p.account_type for p in PLATFORMS)
        raise Invalid(f"{raw!r}: name the platform, as 'telegram:@handle' or a profile URL (platforms: {known})")
    if platform.handle is None:
        return platform.account_type, e164(handle)
    handle = handle.removeprefix("@")
    if platform.handle.match(handle) is None:
        raise Invalid(f"{raw!r} is not a valid {platform.account_type} handle")
    return platform.account_type, handle.lower() if platform.fold else handle
