"""`lionrock audit …`: verify the keyed chain (against a signed checkpoint) and take checkpoints."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console

from lionrock.cli.failures import friendly
from lionrock.hub import Hub
from lionrock.hub.auditing import take_checkpoint, verify_log
from lionrock.settings import Settings

err = Console(stderr=True, soft_wrap=True)


def _hub(ctx: click.Context) -> Hub:
    settings: Settings = ctx.find_root().obj
    return Hub.open(settings)


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log (keyed chain, signed checkpoints)."""


@audit_group.command("verify")
@click.option(
    "--anchor",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint from `audit checkpoint`: also prove its entry is still there, unchanged.",
)
@click.pass_context
@friendly
def audit_verify(ctx: click.Context, anchor: Path | None) -> None:
    """Check every entry's MAC and link; exits 1 with the entry and reason at the first problem.

    Needs the audit key file (and, with --anchor, the checkpoint key beside it).
    """
    hub = _hub(ctx)
    try:
        result = verify_log(hub, anchor.read_bytes() if anchor else None)
    finally:
        hub.close()
    for problem in result.problems:
        click.echo(f"BROKEN at entry {problem.seq}: {problem.reason}")
    if result.problems:
        sys.exit(1)
    head = f", newest entry {result.head.seq}" if result.head else ""
    click.echo(f"audit log intact: {result.entries} entries{head}")
    if result.legacy:
        click.echo(
            f"note: the first {result.legacy} entries predate the audit key (plain SHA-256): "
            "they show accidents, not deliberate edits; checkpoints cover them from now on"
        )
    if result.anchor:
        click.echo(f"checkpoint signed {result.anchor.signed_at} (entry {result.anchor.seq}) matches")


@audit_group.command("checkpoint")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the signed checkpoint ('-' for stdout). Keep a copy off this machine.",
)
@click.pass_context
@friendly
def audit_checkpoint(ctx: click.Context, out: Path) -> None:
    """Sign the log's newest entry (seq, MAC, time) with the checkpoint key, after verifying the chain."""
    hub = _hub(ctx)
    try:
        checkpoint = take_checkpoint(hub)
    finally:
        hub.close()
    document = checkpoint.to_json()
    if str(out) == "-":
        click.echo(document.decode(), nl=False)
    else:
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_bytes(document)
        os.replace(tmp, out)
    err.print(f"checkpoint of entry {checkpoint.seq} signed {checkpoint.signed_at}; keep it away from the hub")
