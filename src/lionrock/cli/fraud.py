"""`lionrock fraud`: fraud intelligence from the command line (issue 10)."""

from __future__ import annotations

import click
import orjson

from lionrock.cli.client import HubClient
from lionrock.cli.failures import friendly
from lionrock.cli.fraud_import import report_command
from lionrock.cli.private_check import private_check
from lionrock.errors import BadRequest
from lionrock.fraud.identifiers import Kind


@click.group("fraud")
def fraud_group() -> None:
    """Fraud intelligence: check identifiers before paying or answering them."""


@fraud_group.command("check")
@click.argument("kind", metavar="TYPE", type=click.Choice([k.value for k in Kind]))
@click.argument("value")
@click.option(
    "--private",
    "private",
    is_flag=True,
    help="Check without the hub learning the value (RFC 9497 OPRF; counted against an hourly allowance).",
)
@click.option("--hub", "hub_url", envvar="LIONROCK_HUB", default=None, help="Hub URL (env LIONROCK_HUB).")
@click.option("--token", envvar="LIONROCK_TOKEN", default=None, help="Your token (env LIONROCK_TOKEN).")
@friendly
def check_command(kind: str, value: str, private: bool, hub_url: str | None, token: str | None) -> None:
    """Print what the hub knows of one identifier (JSON): risk, organisations, latest report, scam types."""
    if not hub_url or not token:
        raise BadRequest("give --hub and --token (or LIONROCK_HUB and LIONROCK_TOKEN)")
    client = HubClient(hub_url, token)
    if private:
        answer = private_check(client, kind, value)
    else:
        answer = client.get_json("/api/v1/fraud/check", {"type": kind, "value": value})
    click.echo(orjson.dumps(answer, option=orjson.OPT_INDENT_2).decode())


fraud_group.add_command(report_command)
