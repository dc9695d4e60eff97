"""Hong Kong addresses (English and Chinese) and Chinese names, from the way they are written:
a flat/floor/block or a numbered street running to a district, and a common surname with one or two
given-name characters beside a cue (受害人, 先生, 女士 ...)."""

from __future__ import annotations

import re

from lionrock.pii.base import RegexRecognizer

DISTRICTS = (
    "Central",
    "Sheung Wan",
    "Admiralty",
    "Wan Chai",
    "Causeway Bay",
    "Happy Valley",
    "North Point",
    "Quarry Bay",
    "Tai Koo",
    "Taikoo Shing",
    "Shau Kei Wan",
    "Chai Wan",
    "Aberdeen",
    "Ap Lei Chau",
    "Pok Fu Lam",
    "Kennedy Town",
    "Mid-Levels",
    "Stanley",
    "Repulse Bay",
    "Tsim Sha Tsui",
    "Jordan",
    "Yau Ma Tei",
    "Mong Kok",
    "Prince Edward",
    "Sham Shui Po",
    "Cheung Sha Wan",
    "Lai Chi Kok",
    "Kowloon Tong",
    "Kowloon City",
    "Ho Man Tin",
    "To Kwa Wan",
    "Hung Hom",
    "Wong Tai Sin",
    "Diamond Hill",
    "San Po Kong",
    "Kwun Tong",
    "Ngau Tau Kok",
    "Lam Tin",
    "Yau Tong",
    "Kowloon Bay",
    "Tseung Kwan O",
    "Sai Kung",
    "Sha Tin",
    "Ma On Shan",
    "Tai Wai",
    "Tai Po",
    "Fanling",
    "Sheung Shui",
    "Yuen Long",
    "Tin Shui Wai",
    "Tuen Mun",
    "Tsuen Wan",
    "Kwai Chung",
    "Tsing Yi",
    "Tung Chung",
    "Lantau",
    "Discovery Bay",
    "Kwai Fong",
    "Tai Kok Tsui",
    "Olympic",
    "Fo Tan",
    "Kowloon",
    "Hong Kong",
    "New Territories",
    "N.T.",
    "NT",
    "HK",
)
_DISTRICT = "|".join(re.escape(d) for d in sorted(DISTRICTS, key=len, reverse=True))
_STREET = (
    r"Road|Rd\.?|Street|St\.?|Avenue|Ave\.?|Lane|Path|Terrace|Drive|Square|Crescent|Circuit|Praya|Highway|"
    r"Estate|Court|Building|Bldg\.?|House|Centre|Center|Mansion|Mansions|Garden|Gardens|Plaza|Tower|Villa|Heights"
)
_UNIT = r"(?:Flat|Flat/Rm|Rm\.?|Room|Unit|Shop|Suite|Blk\.?|Block|Tower|G/F|\d{1,3}/F\.?|\d{1,3}(?:st|nd|rd|th)? Floor)"
# Either a unit/floor/block, or a number and a capitalised street; then up to 120 characters of
# address parts (no sentence end) running to a district name, and optionally ", Hong Kong".
_ADDRESS_EN = re.compile(
    rf"\b(?:{_UNIT}\b|\d{{1,4}}[A-Z]?[-–]?\d{{0,4}},? (?=(?:[A-Z][a-z]+(?:'s)? ){{1,4}}(?:{_STREET})\b))"
    rf"[^\n;.!?]{{0,120}}?(?<![A-Za-z])(?:{_DISTRICT})(?![A-Za-z]| (?:{_STREET})\b)"
    rf"(?:,? (?:Kowloon|Hong Kong|New Territories|N\.T\.|HK)(?![A-Za-z]))?"
)
_HAS_STREET = re.compile(rf"\b(?:{_STREET})\b|\b\d{{1,3}}/F\b|\bFloor\b|\bFlat\b|\bRm\b|\bRoom\b")


def _address_en(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    return m.span() if _HAS_STREET.search(m.group()) else None


_ZH_DISTRICTS = (
    "中西區|灣仔|東區|南區|油尖旺|深水埗|九龍城|黃大仙|觀塘|葵青|荃灣|屯門|元朗|北區|大埔|沙田|西貢|離島|"
    "中環|上環|金鐘|銅鑼灣|北角|鰂魚涌|柴灣|香港仔|尖沙咀|佐敦|油麻地|旺角|太子|長沙灣|荔枝角|紅磡|土瓜灣|"
    "將軍澳|馬鞍山|大圍|粉嶺|上水|天水圍|青衣|東涌|葵涌"
)
_ZH_NUM = r"[0-9０-９一二三四五六七八九十百]"
# 香港/九龍/新界 or a district, then a road/street and its number, then optional building, floor and flat.
_ADDRESS_ZH = re.compile(
    rf"(?:香港|九龍|新界|{_ZH_DISTRICTS})[\u4e00-\u9fff]{{0,14}}?(?:道|街|路|里|徑|坊){_ZH_NUM}{{1,4}}[A-Za-z]?號"
    rf"(?:[\u4e00-\u9fff]{{0,12}}?(?:{_ZH_NUM}{{1,3}}(?:樓|座)|地下))*"
    rf"(?:[A-Za-z0-9０-９]{{1,4}}(?:室|號舖|舖)|[A-Za-z]室?)?"
)


# Street addresses elsewhere (sources quoting foreign victims): a house number and capitalised words
# ending in a street word, or a suite/apartment number.
_ADDRESS_INTL = re.compile(
    r"\b(?:\d{1,5}[A-Z]? (?:[A-Z][\w'.-]+ ){0,3}(?:Street|St\.|Avenue|Ave\.?|Road|Rd\.|Boulevard|Blvd\.?|Lane|"
    r"Drive|Court|Way|Place|Square|Parkway|Highway|Terrace|Crescent|Close|Gardens)\b"
    r"|(?:Suite|Apt\.|Apartment) \d{1,5}\b)"
)


def _whole(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    return m.span()


_SURNAME_TEXT = (
    "歐陽 司徒 上官 諸葛 陳 李 張 黃 何 林 吳 劉 梁 鄭 王 楊 謝 郭 羅 蔡 曾 葉 周 馮 鄧 徐 蕭 許 朱 潘 胡 麥 盧 余 "
    "莫 彭 袁 蘇 馬 譚 關 鍾 杜 崔 方 江 高 趙 孫 溫 岑 姚 霍 邱 丘 范 文 伍 鄺 簡 雷 歐 蔣 韋 賴 嚴 石 柯 黎 薛 "
    "區 阮 廖 唐 龐 侯 程 宋 龍 施 洪 顏 甘 湯 戴 田 傅 沈 韓 賀 鮑 翁 容 凌 夏 紀 祝 巫 連 魏 尹 卓 鄒 萬"
)
SURNAMES = tuple(_SURNAME_TEXT.split())
_SURNAME = "|".join(SURNAMES)
# Characters that end a name rather than continue it (particles, verbs and titles that follow one).
_STOP = "於在向的稱被已曾將和及與把報因透收到說指是為同等均亦也再又並就都要會今昨前後住居現係表告對從由以"
_GIVEN = rf"(?:(?![{_STOP}])[\u4e00-\u9fff])"
_NAME_CUE_BEFORE = (
    r"受害人|事主|苦主|客戶|投訴人|申請人|持有人|戶主|當事人|報案人|姓名[:：]?\s?|名叫|疑犯|騙徒|男子|女子"
)
_NAME_BEFORE = re.compile(rf"(?:{_NAME_CUE_BEFORE})\s?((?:{_SURNAME}){_GIVEN}{{1,2}})")
_NAME_AFTER = re.compile(rf"((?:{_SURNAME}){_GIVEN}{{1,2}})(?:先生|女士|小姐|太太|伯伯|婆婆)")


def _group(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    return m.span(1)


def hk_text_recognizers() -> list[RegexRecognizer]:
    return [
        RegexRecognizer("HK_ADDRESS", "HkAddressRecognizer", _ADDRESS_EN, _address_en, 0.9),
        RegexRecognizer("HK_ADDRESS", "HkChineseAddressRecognizer", _ADDRESS_ZH, _whole, 0.9),
        RegexRecognizer("STREET_ADDRESS", "StreetAddressRecognizer", _ADDRESS_INTL, _whole, 0.6),
        RegexRecognizer("PERSON", "ChineseNameCueRecognizer", _NAME_BEFORE, _group, 0.85),
        RegexRecognizer("PERSON", "ChineseNameTitleRecognizer", _NAME_AFTER, _group, 0.85),
    ]
