"""Bulk import of fraud reports from a CSV file: parsed by lionrock.fraud.csv_reports, stored all or
none in one transaction by `hub.fraud.import_reports`, every problem named by the file's line."""

from __future__ import annotations

from typing import Any

from lionrock.access.model import Principal
from lionrock.access.permissions import require_publisher
from lionrock.errors import Invalid, Problem
from lionrock.fraud import csv_reports
from lionrock.hub.context import Hub
from lionrock.hub.fraud import FraudReport, import_reports


def import_csv(hub: Hub, who: Principal, data: bytes, dry_run: bool = False) -> dict[str, Any]:
    """Store every row of the file or none; a dry run checks every row and stores nothing.
    Problems carry the file's line number as their index."""
    require_publisher(who)
    parsed = csv_reports.parse(data)
    reports = [
        FraudReport(r.type, r.value, r.scam_type, r.role, r.reported, r.amount_band, r.confidence, r.notes)
        for r in parsed.rows
    ]
    try:
        stored = import_reports(hub, who, reports, dry_run=dry_run)
    except Invalid as exc:
        if not exc.problems:
            raise
        lines = [parsed.rows[p.index].line for p in exc.problems]
        problems = [
            Problem(line, None, f"line {line}: {p.message}") for line, p in zip(lines, exc.problems, strict=True)
        ]
        raise Invalid(exc.message.replace("report(s)", "row(s)"), problems[: csv_reports.MAX_PROBLEMS]) from None
    return {
        "stored": 0 if dry_run else len(stored),
        "rows": len(parsed.rows),
        "identifiers": len({s["id"] for s in stored}),
        "dry_run": dry_run,
        "encoding": parsed.encoding,
        "columns": parsed.columns,
        "ignored_columns": list(parsed.ignored),
    }
