"""The matcher: find shared indicators in an organisation's own logs (pure: no database, no HTTP)."""

from lionrock.match.compiled import BadSetFile, CompiledSet
from lionrock.match.formats import FORMATS, LogFormat, Malformed, Record, detect
from lionrock.match.rules import Rule, Term, Unevaluable, Withdrawn, rule_of, rules_of
from lionrock.match.scanner import Hit, Scanner, ScanStats, open_log
from lionrock.match.sightings import SightingCount, aggregate, sighting_objects
from lionrock.match.sources import BadSource, compile_file, plain_rules, stix_objects
from lionrock.match.values import BadValue, Kind

__all__ = [
    "FORMATS",
    "BadSetFile",
    "BadSource",
    "BadValue",
    "CompiledSet",
    "Hit",
    "Kind",
    "LogFormat",
    "Malformed",
    "Record",
    "Rule",
    "ScanStats",
    "Scanner",
    "SightingCount",
    "Term",
    "Unevaluable",
    "Withdrawn",
    "aggregate",
    "compile_file",
    "detect",
    "open_log",
    "plain_rules",
    "rule_of",
    "rules_of",
    "sighting_objects",
    "stix_objects",
]
