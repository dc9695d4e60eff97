"""`lionrock backup FILE`, `lionrock restore FILE [--force]` and `lionrock purge [--dry-run]`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from lionrock.cli.failures import friendly
from lionrock.cli.masking import masked_url
from lionrock.hub import Hub
from lionrock.hub import backup as backups
from lionrock.hub.backup_keys import key_path
from lionrock.hub.retention import purge as run_purge
from lionrock.settings import Settings

err = Console(stderr=True, soft_wrap=True)


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.find_root().obj
    return settings


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True,
    )  # fmt: skip


def _advance(bar: Progress, task: TaskID) -> Callable[[str, int, int], None]:
    def advance(table: str, rows: int, total: int) -> None:
        bar.update(task, advance=rows, total=total, description=table)

    return advance


def _summary(verb: str, summary: backups.Summary) -> None:
    tables = sum(1 for n in summary.tables.values() if n)
    click.echo(
        f"{verb}: {len(summary.tables)} tables ({tables} with rows), {summary.rows} rows, "
        f"{summary.bytes} bytes, {summary.seconds:.2f} s, schema revision {summary.revision}"
    )
    for check in summary.checks:
        click.echo(f"verified: {check}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@friendly
def backup_command(ctx: click.Context, file: Path) -> None:
    """Write an encrypted, consistent snapshot of the whole database to FILE while the hub runs.

    Encrypted under the backup key file (created on first use; LIONROCK_BACKUP_KEY_FILE): keep that
    file and the audit key files somewhere other than the backups, or the backups cannot be restored.
    """
    settings = _settings(ctx)
    hub = Hub.open(settings)
    try:
        with _bar() as bar:
            task = bar.add_task("backing up", total=None)
            summary = backups.backup(hub, file, _advance(bar, task))
    finally:
        hub.close()
    _summary(f"backed up {masked_url(settings.database_url)} to {file}", summary)
    err.print(f"backup key: {key_path(settings)} (not in the backup: keep a copy elsewhere)")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Wipe a database that holds data before restoring into it.")
@click.pass_context
@friendly
def restore_command(ctx: click.Context, file: Path, force: bool) -> None:
    """Restore FILE into an empty database, then verify counts, contents, the audit chain and a sample.

    Needs the backup key file and, when the log is keyed, the audit key file of the backed-up hub. A file
    that fails any check changes nothing; a restore that fails while loading leaves the database empty.
    """
    settings = _settings(ctx)
    with _bar() as bar:
        task = bar.add_task("restoring", total=None)
        summary = backups.restore(settings, file, force=force, progress=_advance(bar, task))
    _summary(f"restored {file} into {masked_url(settings.database_url)}", summary)


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="List what is due; remove nothing.")
@click.pass_context
@friendly
def purge_command(ctx: click.Context, dry_run: bool) -> None:
    """Remove what the retention rules say is due (docs/retention.md), one transaction per kind.

    Each kind that removed rows gets an audit entry with the count, the cut-off, the id range and the
    SHA-256 over the removed ids.
    """
    hub = Hub.open(_settings(ctx))
    try:
        removals = run_purge(hub, dry_run=dry_run)
    finally:
        hub.close()
    verb = "due" if dry_run else "removed"
    for r in removals:
        if r.cutoff_us is None:
            click.echo(f"{r.kind}: kept for ever (retention 0)")
            continue
        span = f", ids {r.first_id} .. {r.last_id}, sha256 {r.ids_sha256}" if r.count else ""
        click.echo(f"{r.kind} ({r.classification.label}): {r.count} {verb}{span}")
    if dry_run:
        err.print("dry run: nothing was removed")
