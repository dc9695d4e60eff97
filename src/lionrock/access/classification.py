"""Data classification: how carefully a stored record must be handled, derived from its TLP and content.

Four levels, each including the ones below it: PUBLIC < INTERNAL < CONFIDENTIAL < RESTRICTED. A record's
TLP gives the base level; personal data raises it one level and never leaves it below CONFIDENTIAL;
some kinds of record have a floor whatever they carry (intake text is unreviewed and may hold victims'
data; web sessions are credentials). The table is pinned by tests/access/test_classification.py and
documented in docs/retention.md.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from lionrock.stix.tlp import Tlp


class Classification(IntEnum):
    PUBLIC = 0
    INTERNAL = 1
    CONFIDENTIAL = 2
    RESTRICTED = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class RecordKind(StrEnum):
    """The kinds of stored record that classification and retention speak of."""

    OBJECT = "object"  # a STIX object version (its TLP is stored with it)
    SIGHTING = "sighting"
    FRAUD_REPORT = "fraud_report"
    INTAKE_TEXT = "intake_text"  # an uploaded document's extracted text, findings and title
    INTAKE_JOB = "intake_job"  # what remains of an intake job once its text is gone
    NOTIFICATION = "notification"
    WEB_SESSION = "web_session"
    AUDIT = "audit"


BY_TLP: dict[Tlp, Classification] = {
    Tlp.CLEAR: Classification.PUBLIC,
    Tlp.GREEN: Classification.INTERNAL,
    Tlp.AMBER: Classification.CONFIDENTIAL,
    Tlp.AMBER_STRICT: Classification.CONFIDENTIAL,
    Tlp.RED: Classification.RESTRICTED,
}

FLOOR: dict[RecordKind, Classification] = {
    RecordKind.OBJECT: Classification.PUBLIC,
    RecordKind.SIGHTING: Classification.INTERNAL,
    RecordKind.FRAUD_REPORT: Classification.CONFIDENTIAL,
    RecordKind.INTAKE_TEXT: Classification.RESTRICTED,
    RecordKind.INTAKE_JOB: Classification.INTERNAL,
    RecordKind.NOTIFICATION: Classification.INTERNAL,
    RecordKind.WEB_SESSION: Classification.RESTRICTED,
    RecordKind.AUDIT: Classification.CONFIDENTIAL,
}
"""The least a kind of record is, whatever its TLP says."""

UNMARKED = Classification.CONFIDENTIAL
"""A record with no TLP is handled as TLP:AMBER would be: fail closed, not open."""


def classify(tlp: Tlp | None, *, personal_data: bool = False) -> Classification:
    """The level of content marked `tlp`; personal data raises it one step, to at least CONFIDENTIAL."""
    level = BY_TLP[tlp] if tlp is not None else UNMARKED
    if personal_data:
        level = max(Classification(min(level + 1, Classification.RESTRICTED)), Classification.CONFIDENTIAL)
    return level


def classify_record(kind: RecordKind, tlp: Tlp | None = None, *, personal_data: bool = False) -> Classification:
    """A stored record's level: its content's level, never below its kind's floor."""
    content = classify(tlp, personal_data=personal_data) if tlp is not None or personal_data else FLOOR[kind]
    return max(content, FLOOR[kind])
