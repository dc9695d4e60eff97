"""Imported by the intake fork server before it forks any worker: builds the personal-data engine
(spaCy's model, about 2 s) once, so each worker starts with it loaded instead of loading it per
document."""

from __future__ import annotations

from lionrock.pii.engine import analyzer

analyzer()
