"""`lionrock fraud report FILE.csv`: a Police list or a bank's case export, posted to the hub as one
all-or-nothing import (the hub parses it; see docs/fraud-disputes.md for the shapes)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from lionrock.cli.client import HubClient
from lionrock.cli.failures import failing_with
from lionrock.errors import TooLarge
from lionrock.fraud.csv_reports import MAX_BYTES

err = Console(stderr=True, soft_wrap=True)


@click.command("report")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row on the hub; store nothing.")
@click.option("--hub", "hub_url", envvar="LIONROCK_HUB", required=True, help="Hub URL (env LIONROCK_HUB).")
@click.option("--token", envvar="LIONROCK_TOKEN", required=True, help="Analyst token (env LIONROCK_TOKEN).")
@failing_with(1)
def report_command(file: Path, dry_run: bool, hub_url: str, token: str) -> None:
    """Report the identifiers in a CSV file (all rows or none)."""
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise TooLarge(f"{file} is {size:,} bytes; the hub takes at most {MAX_BYTES:,} per file: split it")
    client = HubClient(hub_url, token)
    verb = "checking" if dry_run else "importing"
    with err.status(f"{verb} {file.name} ({size:,} bytes) on {hub_url} …"):
        result = client.import_fraud_csv(file.read_bytes(), dry_run=dry_run)
    if result.get("ignored_columns"):
        err.print(f"not kept: {', '.join(result['ignored_columns'])}")
    if dry_run:
        err.print(f"[green]{result['rows']} row(s) would be stored[/green] ({result['identifiers']} identifier(s))")
    else:
        err.print(f"[green]stored {result['stored']} report(s)[/green] of {result['identifiers']} identifier(s)")
