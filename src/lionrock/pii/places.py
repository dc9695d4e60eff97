"""Postal addresses written the way most countries write them, and country names.

An address is found from its street line (a house number and a street name in either order, a
street word in one of a dozen languages, a flat/suite/box unit, or a military post address) and
then runs on over the pieces that follow it on the same or the next lines: units, towns in
capitals or title case, region codes, country names and postcodes. The whole block is one span:
a postal address is personal data as a whole, and redacting half of it leaves the rest readable.

Country names come from Babel's CLDR data (already installed for the web UI's translations), so
no list is written here beyond a few common short forms."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from lionrock.pii.base import RegexRecognizer

# Capital and small letters of the Latin, Greek and Cyrillic blocks (a regex class has no \p{Lu}).
UPPER = "".join(c for c in map(chr, range(0x41, 0x530)) if c.isupper())
LOWER = "".join(c for c in map(chr, range(0x61, 0x530)) if c.islower())
_LETTER = r"[^\W\d_]"
_CAP_WORD = rf"[{UPPER}][\w'’.\-]{{0,30}}"  # starts with a capital letter, any script of Europe
_PLACE_WORD = rf"[{UPPER}](?:{_LETTER}|['’.\-]){{0,30}}"  # a town's word: letters only, no digits
_WORD = rf"{_LETTER}[\w'’.\-]{{0,30}}"  # words are bounded: no backtracking over a hostile long run
_NUM = r"\d{1,5}[A-Za-z]?\.?"

# Street words, English and the common continental forms (suffixes: Kiannonkatu, Puruntie,
# Søndergade, Magasinsgatan, Villacher Strasse, Asselsestraat, Pachergasse, Skoanveien ...;
# words before the name: Rue, Via, Calle, Rua, ul. ...).
_STREET_EN = (
    r"Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?|Court|Ct\.?|Way|Place|Pl\.?|"
    r"Square|Sq\.?|Parkway|Pkwy\.?|Highway|Hwy\.?|Terrace|Crescent|Close|Gardens|Row|Walk|Hill|Grove|Mews|"
    r"Circle|Cir\.?|Trail|Alley|Plaza|Expressway|Crossroad|Heights|Path|Mall|Str\."
)
_STREET_SUFFIX = (
    r"katu|tie|gade|vej|gata|gatan|vägen|väg|veien|vegen|strasse|straße|str\.|straat|gasse|weg|laan|allee|"
    r"platz|plein|terrasse|utca|út|tér|gränd|stræde|sokak|caddesi|ulica|steig|damm|kade|singel"
)
_STREET_BEFORE = (
    r"Rue|Via|Viale|Vicolo|Piazza|Corso|Calle|Carrer|Camino|Paseo|Avenida|Avinguda|Rua|Rúa|Travessa|Largo|"
    r"Praça|Ul\.|ul\.|Ulica|Strada|Bulevardul|Odos|Plac|Rynek|Chemin|Allée|Boulevard|Avenue|C/"
)
# Street words written as a word of their own after the name (Trenerys gate 232, Luite tee 87,
# Kálmán Imre u. 12.).
_STREET_AFTER = r"gate|tee|(?i:gata|u\.|utca|út|tér|straße|strasse|straat|vej|väg|veien|weg|ulica|sokak|caddesi)"
_PARTICLE = r"de|del|de la|du|des|da|do|dos|di|al|el|la|le|von|van|der"
_UNIT = r"(?i:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Room|Rm\.?|Box|Floor|Fl\.?)\s?#?\d{1,5}[A-Za-z]?"
# A unit that can start an address on its own (Suite 464, Apt. 117); Unit, Room and Box only follow a
# street line ("Unit 42" is a threat-research team, "Room 101" a meeting room).
_UNIT_LEAD = r"(?:Apt(?:\. ?| )|Apartment |Suite |Ste\. ?|Flat |P\.? ?O\.? Box )#?\d{1,5}[A-Za-z]?"
_TITLE_WORD = rf"[{UPPER}][{LOWER}'’.]{{1,30}}(?:-[{UPPER}{LOWER}][{LOWER}'’.]{{1,30}})?"
# Words that make "number words number" a date, an amount, a count or a sentence rather than an
# address (3 lawsuits in Federal Court).
_NOT_STREET = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    r"september|october|november|december|usd|hkd|eur|gbp|rmb|cny|btc|eth|usdt|dollars?|years?|months?|weeks?|"
    r"days?|hours?|minutes?|seconds?|times|percent|people|persons|victims|accounts?|cards?|transactions?|"
    r"pages?|items?|files?|chapter|section|version|windows|build|release|update|patch|step|phase|stage|level|tier|"
    r"round|part|volume|issue|edition|series|season|episode|grade|ports?|tcp|udp|https?|"
    r"of|the|in|at|on|to|for|from|with|by|and|or|is|are|was|were|"
    r"hundred|thousand|million|billion|square|feet|foot|miles?|km|meters?|metres?)\b",
    re.IGNORECASE,
)

_STREET_LINE = re.compile(
    # house number, optional second number, words ending in an English street word
    rf"(?<![\w.\-/])\d{{1,5}}[A-Za-z]?(?: \d{{1,5}})? (?:{_WORD} ){{0,4}}(?:{_STREET_EN}|{_STREET_EN.upper()})(?=\W|$)"
    # words ending in a continental street suffix, or led by a continental street word, then the number
    rf"|(?<![\w.\-/])(?:\d{{1,5}} )?(?:{_CAP_WORD} ){{0,3}}{_LETTER}{{2,30}}(?i:{_STREET_SUFFIX}) {_NUM}"
    rf"|(?<![\w.\-/])(?:\d{{1,5}} )?(?:{_STREET_BEFORE}) (?:{_WORD} ){{0,4}}{_NUM}"
    rf"|(?<![\w.\-/])(?:\d{{1,5}} )?(?:{_CAP_WORD} ){{1,3}}(?:{_STREET_AFTER}) {_NUM}"
    # numbers first, then a continental street word and the name (846 31 Rue Al Imam Al Bakri)
    rf"|(?<![\w.\-/])\d{{1,5}}(?: \d{{1,5}})? (?:{_STREET_BEFORE})(?: (?:{_CAP_WORD}|{_PARTICLE})){{1,5}}"
    # a street corner (the corner of Bygget 64 and Komel Club)
    r"|\b(?i:the corner of) [^\n.?!;]{3,80}?(?=[\n.?!;]|$)"
    # a building number, then a street name and its own number (2 numbers around a name: 28245 Puruntie 82)
    rf"|(?<![\w.\-/])\d{{1,5}} (?:{_TITLE_WORD} ){{1,4}}\d{{1,4}}(?:[A-Za-z](?<!s))?\b\.?"
    # a unit first (Suite 464, Apt. 117 5720 ...), or a military post address (PSC 1437, Box 3833 / USNS Name)
    rf"|\b{_UNIT_LEAD}\b"
    rf"|\b(?i:Unit \d{{3,5}},? Box \d{{3,5}})"
    rf"|\b(?i:PSC \d{{3,5}},? Box \d{{3,5}})"
    rf"|\b(?i:USNS|USNV|USS|USCGC) {_WORD}"
)
# A piece that may follow the street line, after a comma, a line break (e-mail quote marks
# allowed) or a space.
_PLACE_PARTICLE = r"de|del|la|le|da|do|di|u|z|nad|pod|am|an|im|upon|on|sur"
_PIECE = re.compile(
    rf"{_UNIT}\b"
    r"|(?i:[AFD]PO (?:AA|AE|AP)) \d{5}\b"
    r"|\d{4,6}(?:-\d{4})?\b"
    r"|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"  # UK postcode
    rf"|[{UPPER}]{{2}}\b"  # region or state code
    rf"|{_PLACE_WORD}(?: (?:{_PLACE_PARTICLE}|{_PLACE_WORD})){{0,4}}(?=[\s,?!;)]|$)"
)
# Between pieces: a comma or a line break (blank lines, e-mail quote marks and bullets allowed), or a space.
_NOT_PIECE = re.compile(r"(?i:of|the|and|or|in|on|at|to|for|from|with|by|is|was|are|were|this|that|it)")
_SEP = re.compile(r"[ \t]*(?:,[ \t]*\n?|\n)[ \t>*•·?]*\n?[ \t>*•·?]*|[ \t]+")
_CORNER = re.compile(r"the corner of ", re.IGNORECASE)
MAX_ADDRESS = 240


def _extend(text: str, end: int) -> int:
    """The end of the address block that starts with a street line ending at `end`."""
    for _ in range(10):
        sep = _SEP.match(text, end)
        if sep is None:
            break
        piece = _PIECE.match(text, sep.end())
        if piece is None or piece.end() == sep.end() or _NOT_PIECE.fullmatch(piece.group(0).split()[0]):
            break
        if sep.group(0).strip(" \t") == "" and not _joins_on_space(piece.group(0)):
            break
        end = piece.end()
    return end


def _joins_on_space(piece: str) -> bool:
    """On the same line with only a space before it, a piece must look like an address part (a
    unit, a number, a code in capitals or a country), not the next word of the sentence."""
    return piece[0].isdigit() or piece.isupper() or _UNIT_START.match(piece) is not None or piece in countries()


_UNIT_START = re.compile(_UNIT, re.IGNORECASE)


def _street(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    written = m.group(0)
    if _CORNER.match(written) is None and _NOT_STREET.search(written):
        return None
    end = _extend(text, m.end())
    return (m.start(), end) if end - m.start() <= MAX_ADDRESS else m.span()


def street_line(line: str) -> bool:
    """Whether `line` starts with a street address (for a recipient's name written above one)."""
    m = _STREET_LINE.match(line)
    return m is not None and _street(line, m) is not None


_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})  # unions, groupings, pseudo-codes
_SHORT_FORMS = (
    "USA",
    "U.S.A.",
    "UK",
    "U.K.",
    "Great Britain",
    "Britain",
    "England",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "Hong Kong",
    "Macau",
    "Czech Republic",
    "Holland",
    "Ivory Coast",
    "Burma",
    "Swaziland",
    "Cape Verde",
)


@cache
def countries() -> frozenset[str]:
    """English names of countries and territories (CLDR, via Babel), plus common short forms."""
    territories = Locale("en").territories.items()
    names = {name for code, name in territories if code.isalpha() and len(code) == 2 and code not in _NOT_COUNTRIES}
    return frozenset(names | set(_SHORT_FORMS))


@cache
def _country_pattern() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(countries(), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?=[A-Z])(?:{alternatives})(?![\w-])")


def _country(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    return m.span()


def place_recognizers() -> list[RegexRecognizer]:
    return [
        RegexRecognizer("STREET_ADDRESS", "AddressBlockRecognizer", _STREET_LINE, _street, 0.85),
        RegexRecognizer("LOCATION", "CountryRecognizer", _country_pattern(), _country, 0.6),
    ]
