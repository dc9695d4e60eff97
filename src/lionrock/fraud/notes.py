"""A fraud report's free-text notes must not carry the victim's data.

The hub has no text redactor to reuse (intake finds personal data while extracting a whole document
and leaves the choice to a reviewer), so notes are **refused, not rewritten**, when they hold what
looks like personal data: an HKID number (with or without its check digit's brackets, whether or
not the check digit is right), an e-mail address, or a run of eight or more digits (phone numbers,
card and account numbers, however spaced or hyphenated; dates such as 2026-11-01 or
1/11/2026 are allowed). The reported identifier belongs in the
report's own value, never in its notes.
"""

from __future__ import annotations

import re
import unicodedata

from lionrock.errors import Invalid

MAX_NOTES = 2000

_HKID = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\s?\d{6}\s?(?:\(\s?[0-9Aa]\s?\)|[0-9Aa])(?![A-Za-z0-9])")
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[A-Za-z]{2,}")
_LONG_NUMBER = re.compile(r"\d(?:[\s\-./()+]{0,2}\d){7,}")
_DATE = re.compile(r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?Z?)?\b")


def notes_problem(notes: str) -> str | None:
    """Why these notes may not be stored, or None."""
    if len(notes) > MAX_NOTES:
        return f"notes are limited to {MAX_NOTES} characters"
    text = unicodedata.normalize("NFKC", notes)
    if _HKID.search(text):
        return "notes look like they hold an HKID number; leave the victim's data out of the notes"
    if _EMAIL.search(text):
        return "notes hold an e-mail address; put the reported identifier in the value and leave victims' out"
    if _LONG_NUMBER.search(_DATE.sub(" ", text)):
        return (
            "notes hold a long number (a phone, card or account number?); put the reported identifier in the value"
            " and leave victims' numbers out"
        )
    return None


def check_notes(notes: str) -> str:
    """The notes, stripped, or Invalid saying why they may not be stored."""
    problem = notes_problem(notes)
    if problem is not None:
        raise Invalid(problem)
    return notes.strip()
