"""English-script names the small spaCy model misses, found by what announces them: a title
(*Mr.*, *Dr.*), a phrase that introduces a name (*my name is*, *name:*, *the name on the account*),
or the recipient line written directly above a postal address. The name itself must look like one:
one to four capitalised words or initials."""

from __future__ import annotations

import re

from lionrock.pii.base import RegexRecognizer
from lionrock.pii.places import LOWER as _LOWER
from lionrock.pii.places import UPPER as _UPPER
from lionrock.pii.places import street_line

# Capitalised, with an inner capital (McDonald, LeBatelier) or apostrophe or hyphen part allowed.
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]{{1,30}}(?:['’\-]?[{_UPPER}][{_LOWER}]{{1,30}}|['’\-][{_LOWER}]{{2,30}})?"
_INITIAL = rf"[{_UPPER}]\.?"
NAME = rf"{_NAME_WORD}(?: (?:{_NAME_WORD}|{_INITIAL}(?= {_NAME_WORD}))){{0,3}}"

_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Dame)\.?"
# Introductions: a name follows. Not "called" or "named" (malware, DLLs and companies are called
# things in threat reports), and "Name:" only as a line's own label (not "File Name:", "User Name:").
_INTRO = (
    r"(?i:my name is|his name is|her name is|maiden name is|last name\?|first name\?|surname\?|"
    r"name on the (?:account|card)\?(?: User:)?|i am|i'm|calls me|call me)"
    r"|(?m:^)[ \t>]*(?:Full |Customer |Victim |Account |Contact )?Name ?:"
)
_CUED = re.compile(rf"(?<![\w])(?:{_TITLE}|{_INTRO})(?:[ \t]+|[ \t]*\n[ \t]*)({NAME})(?![\w])")
_NOT_NAMES = frozenset(
    {"The", "This", "That", "It", "Here", "There", "Hello", "Hi", "Dear", "Thanks", "Thank", "Please", "Yes", "No"}
)


def _cued(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    return None if m.group(1).split()[0] in _NOT_NAMES else m.span(1)


# A line that is only a name (quote marks of an e-mail allowed before it), with the next line or the
# one after (a company or job title between) starting a street address.
_NAME_LINE = re.compile(rf"(?m)^[ \t>]*({NAME})[ \t]*\n")
_NEXT_LINES = 3
_LOOK_AHEAD = 400  # characters: bounded, so a huge document of short lines stays linear


def _recipient(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    words = m.group(1).split()
    if len(words) < 2 or words[0] in _NOT_NAMES:
        return None  # a recipient is written with a given name and a surname; one word is a company
    following = text[m.end() : m.end() + _LOOK_AHEAD].split("\n")[:_NEXT_LINES]
    for line in following:
        if street_line(line.lstrip(" \t>")):
            return m.span(1)
    return None


# A given name, a middle initial and a surname (Miki C Kristiansen, Faina D. Yefremova): a shape
# companies, places and titles rarely take, and one the small model often labels an organisation.
_INITIALLED = re.compile(rf"(?<![\w.])({_NAME_WORD} (?:[{_UPPER}]\.|(?![AI] )[{_UPPER}]) {_NAME_WORD})(?![\w])")


def _initialled(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    first = m.group(1).split()[0]
    return None if first in _NOT_NAMES or first.lower() in _FUNCTION_WORDS else m.span(1)


# Title-case headlines put these before a capital letter (The Story Of A Trojan, Exploits To Target).
_FUNCTION_WORDS = frozenset({"of", "to", "in", "on", "at", "by", "for", "from", "with", "and", "or", "but", "as"})


def name_recognizers() -> list[RegexRecognizer]:
    return [
        RegexRecognizer("PERSON", "InitialledNameRecognizer", _INITIALLED, _initialled, 0.7),
        RegexRecognizer("PERSON", "CuedNameRecognizer", _CUED, _cued, 0.7),
        RegexRecognizer("PERSON", "RecipientNameRecognizer", _NAME_LINE, _recipient, 0.7),
    ]
