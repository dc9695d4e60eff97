"""`lionrock` commands. Scripts can rely on: a created token is printed alone on stdout."""

from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import click
import orjson
import uvicorn
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.exc import OperationalError

from lionrock import __version__
from lionrock.access.model import OrgKind, Role
from lionrock.app import create_app
from lionrock.cli.audit import audit_group
from lionrock.cli.backup import backup_command, purge_command, restore_command
from lionrock.cli.client import HubClient
from lionrock.cli.failures import friendly
from lionrock.cli.fraud import fraud_group
from lionrock.cli.keys import keys_group
from lionrock.cli.masking import masked_url
from lionrock.cli.match import match_command
from lionrock.cli.match_records import match_records_command
from lionrock.cli.users import user_group
from lionrock.errors import LionrockError
from lionrock.hub import Hub, directory, fraud_disputes
from lionrock.hub import members as hub_members
from lionrock.hub.attack import import_attack
from lionrock.hub.auditing import prepare_keys
from lionrock.hub.demo import load_demo
from lionrock.hub.intake import recover as intake_recover
from lionrock.intake.attack import catalogue, load_bundle
from lionrock.intake.draft import draft_bundle, run_extraction
from lionrock.intake.readers import read_document
from lionrock.intake.techniques import Mapper
from lionrock.settings import DEFAULT_DB, Settings
from lionrock.stix.ids import us_to_timestamp
from lionrock.stix.tlp import Tlp

err = Console(stderr=True, soft_wrap=True)  # paths and URLs stay whole, whatever the terminal width


def _hub(ctx: click.Context) -> Hub:
    settings: Settings = ctx.obj
    _make_sqlite_folder(settings.database_url)
    try:
        return Hub.open(settings)
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0][:300]
        raise LionrockError(f"cannot open the database {masked_url(settings.database_url)}: {reason}") from exc


def _make_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder (the default lives in .lionrock/)."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
        if str(path):
            path.parent.mkdir(parents=True, exist_ok=True)


@click.group()
@click.version_option(__version__)
@click.option(
    "--database",
    envvar="LIONROCK_DATABASE_URL",
    default=None,
    help=f"SQLAlchemy URL (default {DEFAULT_DB}, as quickstart.sh uses; env LIONROCK_DATABASE_URL).",
)
@click.pass_context
def main(ctx: click.Context, database: str | None) -> None:
    """lionrock: the cyber-resilience hub for Hong Kong's financial sector."""
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    ctx.obj = replace(settings, database_url=database) if database else settings


@main.command()
@click.pass_context
@friendly
def init(ctx: click.Context) -> None:
    """Create or migrate the database (idempotent)."""
    hub = _hub(ctx)
    keys = prepare_keys(hub)
    hub.close()
    err.print(f"database ready: {masked_url(ctx.obj.database_url)}")
    err.print(f"audit keys: {keys.mac} and {keys.signing} (back them up; see docs/operations.md)")


@main.group()
def org() -> None:
    """Member organisations."""


@org.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), required=True)
@click.pass_context
@friendly
def org_add(ctx: click.Context, name: str, kind: str) -> None:
    """Add an organisation."""
    hub_members.add_org(_hub(ctx), name, OrgKind(kind))
    err.print(f"added {kind} {name!r}")


@org.command("list")
@click.pass_context
@friendly
def org_list(ctx: click.Context) -> None:
    """List organisations."""
    for o in directory.organisations(_hub(ctx)):
        click.echo(f"{o.name}\t{o.kind}")


@org.command("bank-codes")
@click.argument("name")
@click.argument("codes", nargs=-1)
@click.option("--clear", is_flag=True, help="Remove every bank code (an organisation that holds no accounts).")
@click.pass_context
@friendly
def org_bank_codes(ctx: click.Context, name: str, codes: tuple[str, ...], clear: bool) -> None:
    """Set the HK bank codes an organisation holds (it may then dispute fraud listings of accounts there).

    Without CODES (and without --clear), print the codes it holds."""
    hub = _hub(ctx)
    if not codes and not clear:
        click.echo(" ".join(fraud_disputes.bank_codes(hub, name)))
        return
    if codes and clear:
        raise click.UsageError("give CODES or --clear, not both")
    held = fraud_disputes.set_bank_codes(hub, name, list(codes))
    err.print(f"{name!r} holds bank code(s): {', '.join(held) or 'none'}")


@main.group()
def group() -> None:
    """Sharing groups."""


@group.command("add")
@click.argument("name")
@click.option("--member", "members_", multiple=True, required=True, help="Organisation name (repeatable).")
@click.pass_context
@friendly
def group_add(ctx: click.Context, name: str, members_: tuple[str, ...]) -> None:
    """Create a sharing group of organisations."""
    hub_members.add_group(_hub(ctx), name, list(members_))
    err.print(f"added sharing group {name!r} with {len(members_)} member(s)")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--org", "org_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default=None, help="A name to recognise the token by.")
@click.option("--expires", type=float, default=None, help="Days until it expires (default: never).")
@click.pass_context
@friendly
def token_create(ctx: click.Context, org_name: str, role: str, name: str | None, expires: float | None) -> None:
    """Create a token; prints the secret alone on stdout (it is stored only hashed)."""
    issued = hub_members.create_token(_hub(ctx), org_name, Role(role), name, expires)
    click.echo(issued.secret)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (one per core is usual); each opens the database itself.",
)
@click.pass_context
@friendly
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Run the hub (REST at /api/v1, TAXII 2.1 at /taxii2/, API docs at /docs)."""
    settings: Settings = ctx.obj
    hub = _hub(ctx)  # migrates once, here, before any worker starts
    err.print(f"lionrock {__version__} on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    # log_level warning already hides the access log (INFO); access_log=False also skips building it
    if workers == 1:
        app = create_app(settings, hub)
        # What start-up built lives as long as the process: move it out of the collector's sight, so
        # full collections stay short (latency tails; benchmarks/fraud_check.py).
        gc.collect()
        gc.freeze()
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    intake_recover(hub)  # once, here: workers skip it (lionrock.app.create_worker_app)
    hub.engine.dispose()
    # Each worker process builds its app from the environment: pass it the database chosen here.
    os.environ["LIONROCK_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "lionrock.app:create_worker_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
@click.pass_context
@friendly
def demo_load(ctx: click.Context) -> None:
    """Load demo members and a fictional campaign; prints one ready token per demo organisation."""

    result = load_demo(_hub(ctx))
    title = f"demo loaded: {result.stored} new objects ({result.total} in the campaign)"
    _print_table(title, ("organisation", "role", "token"), result.tokens)
    _print_table(
        "web sign-in (/web/login): one demo analyst per organisation",
        ("organisation", "user", "password"),
        result.users,
    )
    err.print(f"demo fraud reports: {result.fraud_reports} new (docs/fraud-demo.md lists checks to try)")


def _print_table(title: str, columns: tuple[str, ...], rows: list[tuple[str, str, str]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console(width=200).print(table)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--attack",
    "attack_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="MITRE ATT&CK STIX bundle (.json or .json.gz) for technique mapping.",
)
@click.option("--format", "fmt", type=click.Choice(["json", "stix"]), default="json", show_default=True)
@click.option("--publisher", multiple=True, help="The report publisher's own domain(s), flagged as such.")
@friendly
def extract(file: Path, attack_file: Path | None, fmt: str, publisher: tuple[str, ...]) -> None:
    """Extract indicators, ATT&CK techniques and personal data from a report, offline (no hub)."""
    mapper = Mapper.build(catalogue(load_bundle(attack_file))) if attack_file else None
    document = read_document(file.read_bytes(), file.name)
    result = run_extraction(document, mapper, frozenset(d.lower() for d in publisher))
    if fmt == "json":
        click.echo(orjson.dumps(result.as_dict(), option=orjson.OPT_INDENT_2).decode())
        return
    created = us_to_timestamp(time.time_ns() // 1000)
    bundle = draft_bundle(result, created=created, name=document.title or file.name)
    click.echo(orjson.dumps(bundle, option=orjson.OPT_INDENT_2).decode())


@main.group("attack")
def attack_group() -> None:
    """MITRE ATT&CK in the hub."""


@attack_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
@friendly
def attack_import(ctx: click.Context, file: Path) -> None:
    """Load ATT&CK (STIX 2.0 or 2.1, .json or .json.gz) into the hub as TLP:CLEAR, for everyone."""
    stored, total = import_attack(_hub(ctx), load_bundle(file))
    err.print(f"ATT&CK loaded from {file.name}: {stored} new of {total} objects")


@main.command("intake")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--hub", "hub_url", envvar="LIONROCK_HUB", default="http://127.0.0.1:8000", show_default=True)
@click.option("--token", envvar="LIONROCK_TOKEN", required=True, help="An analyst token (env LIONROCK_TOKEN).")
@click.option("--publish/--no-publish", default=False, help="Publish the draft once extracted.")
@click.option("--tlp", type=click.Choice([t.value for t in Tlp]), default=None)
@click.option("--group", "groups", multiple=True, help="Sharing group audience (repeatable).")
@click.option("--org", "orgs", multiple=True, help="Named organisation audience (repeatable).")
@click.option("--anonymous", is_flag=True, help="Publish on your behalf under the hub's pseudonym.")
@friendly
def intake_command(
    file: Path,
    hub_url: str,
    token: str,
    publish: bool,
    tlp: str | None,
    groups: tuple[str, ...],
    orgs: tuple[str, ...],
    anonymous: bool,
) -> None:
    """Upload a report to the hub, wait for the draft (progress bar), print it or publish it."""
    if publish and not tlp:
        raise click.UsageError("--publish needs --tlp")
    client = HubClient(hub_url, token)
    job = client.upload(file)
    with Progress(transient=True, console=err) as bar:
        task = bar.add_task(f"extracting {file.name}", total=100)
        state = client.wait(job, lambda p: bar.update(task, completed=p))
    if state["status"] != "done":
        err.print(f"[red]error:[/red] {state.get('error') or state['status']}")
        sys.exit(1)
    result = state["result"]
    err.print(
        f"{len(result['indicators'])} indicators, {len(result['techniques'])} techniques, "
        f"{len(result['personal_data'])} personal data (redacted) in {file.name}"
    )
    if not publish:
        click.echo(orjson.dumps(state["draft"], option=orjson.OPT_INDENT_2).decode())
        return
    audience: dict[str, object] = (
        {"groups": list(groups)} if groups else {"orgs": list(orgs)} if orgs else {"community": True}
    )
    stored = client.publish(job, {"tlp": tlp, "audience": audience, "anonymous": anonymous})
    err.print(f"published {len(stored['stored'])} new objects ({len(stored['unchanged'])} already held)")
    click.echo(job)


main.add_command(match_command)
main.add_command(match_records_command)
main.add_command(audit_group)
main.add_command(user_group)
main.add_command(fraud_group)
main.add_command(backup_command)
main.add_command(restore_command)
main.add_command(purge_command)
main.add_command(keys_group)
