"""`lionrock keys …`: the key-encryption keys' lifecycle, at the hub's own machine (the operator)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from lionrock.cli.failures import friendly
from lionrock.hub import Hub
from lionrock.hub import keys as hub_keys
from lionrock.hub.object_seal import seal_stored
from lionrock.settings import Settings
from lionrock.stix.ids import us_to_timestamp

err = Console(stderr=True, soft_wrap=True)


def _hub(ctx: click.Context) -> Hub:
    settings: Settings = ctx.find_root().obj
    return Hub.open(settings)


@click.group("keys")
def keys_group() -> None:
    """Key-encryption keys (envelope encryption at rest; docs/keys.md)."""


@keys_group.command("list")
@click.pass_context
@friendly
def keys_list(ctx: click.Context) -> None:
    """Every key: id, purpose, state, provider, data keys it wraps, uses, last rotated, owner organisation
    id or "hub" (tab-separated)."""
    hub = _hub(ctx)
    try:
        infos = hub_keys.list_keys(hub)
    finally:
        hub.close()
    for info in infos:
        k = info.key
        rotated = us_to_timestamp(k.last_rotated or k.created)
        owner = "hub" if k.org_id is None else str(k.org_id)
        fields = (k.id, k.purpose, k.state, k.provider, info.data_keys, k.usage_count, rotated, owner)
        click.echo("\t".join(str(f) for f in fields))


@keys_group.command("create")
@click.argument("purpose")
@click.option("--rotation-days", type=int, default=None, help="Rotation period (default: key_rotation_days).")
@click.option("--org", default=None, help="An organisation's own key: only its data is wrapped under it.")
@click.pass_context
@friendly
def keys_create(ctx: click.Context, purpose: str, rotation_days: int | None, org: str | None) -> None:
    """Create a new active key for PURPOSE (e.g. intake); prints its id."""
    hub = _hub(ctx)
    try:
        row = hub_keys.create(hub, purpose, rotation_days, org)
    finally:
        hub.close()
    err.print(f"created key {row.id} for {purpose!r} at the {row.provider} provider")
    click.echo(row.id)


@keys_group.command("import")
@click.argument("purpose")
@click.option("--org", required=True, help="The organisation whose own key this is.")
@click.option(
    "--file",
    "key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="256-bit key material: 64 hex digits or 32 raw bytes (keep it 0600).",
)
@click.option("--rotation-days", type=int, default=None, help="Rotation period (default: key_rotation_days).")
@click.pass_context
@friendly
def keys_import(ctx: click.Context, purpose: str, org: str, key_file: Path, rotation_days: int | None) -> None:
    """Bring your own key: load an organisation's own key material into the configured provider as its
    active key for PURPOSE; prints its id. Withdrawing it (keys destroy --force) shreds its data."""
    if key_file.stat().st_mode & 0o077:
        err.print(f"warning: {key_file} is readable by others than its owner: chmod 600 it, then delete it")
    data = key_file.read_bytes()[:4096]
    hub = _hub(ctx)
    try:
        row = hub_keys.import_key(hub, purpose, org, data, rotation_days)
    finally:
        hub.close()
    err.print(f"imported key {row.id} for {purpose!r} of {org!r} at the {row.provider} provider")
    click.echo(row.id)


@keys_group.command("rotate")
@click.argument("key_id", type=int)
@click.option("--batch", type=click.IntRange(1, 10_000), default=200, help="Data keys re-wrapped per transaction.")
@click.pass_context
@friendly
def keys_rotate(ctx: click.Context, key_id: int, batch: int) -> None:
    """Replace a key by a new one and re-wrap its data keys (the data is not re-encrypted). Online and
    resumable: run it again on the old key after an interruption."""
    hub = _hub(ctx)
    columns = (TextColumn("re-wrapping data keys"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("rotate", total=None)
            result = hub_keys.rotate(
                hub, key_id, batch=batch, progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
    finally:
        hub.close()
    how = "resumed: " if result.resumed else ""
    err.print(f"{how}key {result.old} rotated to key {result.new}: {result.rewrapped} data keys re-wrapped")
    click.echo(result.new)


@keys_group.command("seal-objects")
@click.option("--batch", type=click.IntRange(1, 10_000), default=500, help="Versions sealed per transaction.")
@click.pass_context
@friendly
def keys_seal_objects(ctx: click.Context, batch: int) -> None:
    """Seal the object versions stored in clear before LIONROCK_SEAL_OBJECTS was on (all, or restricted:
    TLP:AMBER+STRICT and TLP:RED). Online and resumable: run it again after an interruption."""
    hub = _hub(ctx)
    columns = (TextColumn("sealing object versions"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("seal", total=None)
            done = seal_stored(
                hub, batch=batch, progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
    finally:
        hub.close()
    err.print(f"{done} object versions sealed ({hub.settings.seal_objects})")
    click.echo(done)


@keys_group.command("reencrypt-objects")
@click.option("--batch", type=click.IntRange(1, 10_000), default=500, help="Versions re-encrypted per transaction.")
@click.pass_context
@friendly
def keys_reencrypt_objects(ctx: click.Context, batch: int) -> None:
    """After `keys rotate` of an objects key: re-encrypt the object versions still sealed under data keys
    that existed before the rotation, under fresh data keys, and delete the old data keys. Online and
    resumable: run it again after an interruption."""
    hub = _hub(ctx)
    columns = (TextColumn("re-encrypting object versions"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("reencrypt", total=None)
            result = hub_keys.reencrypt_objects(
                hub, batch=batch, progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
    finally:
        hub.close()
    err.print(
        f"{result.versions} object versions re-encrypted under fresh data keys; "
        f"{result.data_keys_deleted} old data keys deleted"
        + (f"; {result.refused} would not open and were left as they are" if result.refused else "")
    )
    click.echo(result.versions)


@keys_group.command("retire")
@click.argument("key_id", type=int)
@click.pass_context
@friendly
def keys_retire(ctx: click.Context, key_id: int) -> None:
    """Stop wrapping new data keys under a key (what it wraps stays readable)."""
    hub = _hub(ctx)
    try:
        hub_keys.retire(hub, key_id)
    finally:
        hub.close()
    err.print(f"key {key_id} retired")


@keys_group.command("destroy")
@click.argument("key_id", type=int)
@click.option("--force", is_flag=True, help="Destroy even though data depends on it: that data becomes unreadable.")
@click.pass_context
@friendly
def keys_destroy(ctx: click.Context, key_id: int, force: bool) -> None:
    """Destroy a key at its provider; refused while data keys depend on it, unless --force."""
    hub = _hub(ctx)
    try:
        done = hub_keys.destroy(hub, key_id, force=force)
    finally:
        hub.close()
    if done.data_keys:
        err.print(
            f"key {key_id} destroyed: {done.data_keys} data keys are crypto-shredded; the findings of "
            f"{done.intake_jobs} intake jobs and {done.objects} stored object versions can no longer be read "
            "by anyone (copies of the key in backups of the key file or HSM would still open them)"
        )
    else:
        err.print(f"key {key_id} destroyed; no data depended on it")


@keys_group.command("review")
@click.pass_context
@friendly
def keys_review(ctx: click.Context) -> None:
    """List active keys past their rotation period; exits 1 if there is any."""
    hub = _hub(ctx)
    try:
        overdue = hub_keys.review(hub)
    finally:
        hub.close()
    for k in overdue:
        since = us_to_timestamp(k.last_rotated or k.created)
        click.echo(f"{k.id}\t{k.purpose}\tlast rotated {since}\tperiod {k.rotation_days} days")
    if overdue:
        sys.exit(1)
    err.print("no key is past its rotation period")
