"""Dates and times (`DATE_TIME`), for the benchmark only: intake does not treat a date as personal
data (report and transaction dates are what members share), so `lionrock.intake.personal` maps no
finding to it. Written forms: ISO date and time, day/month/year with slashes or dots, month names,
weekday names, clock times, and a bare year only after a word that introduces one (*in 1977*,
*since 1990*, *a 2017 film*)."""

from __future__ import annotations

import re

from lionrock.pii.base import RegexRecognizer

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"(?<![\w/.:-])(?:"
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})"
    r"|\d{1,2}\.\d{1,2}\.\d{4}"
    rf"|(?:{_DAY} )?{_MONTH}(?: {_DAY})?,? \d{{4}}"
    rf"|{_MONTH} {_DAY}\b"
    rf"|{_DAY} {_MONTH}"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?"
    r"|\d{1,2}:\d{2}(?::\d{2})? ?(?:[ap]\.?m\.?)?"
    r")(?![\w/-]|\.\d)"
)
_YEAR = re.compile(
    r"(?i)\b(?:in|since|during|of|from|until|till|by|before|after|around|circa|year|born|a|an|the) "
    r"((?:19|20)\d{2})(?![\w/-]|\.\d)"
)


def _whole(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    return m.span()


def _year(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    return m.span(1)


def date_recognizers() -> list[RegexRecognizer]:
    return [
        RegexRecognizer("DATE_TIME", "DateRecognizer", _DATE, _whole, 0.5),
        RegexRecognizer("DATE_TIME", "YearRecognizer", _YEAR, _year, 0.45),
    ]
