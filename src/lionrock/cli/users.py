"""`lionrock user …`: web users, made at the hub's own machine (the database operator)."""

from __future__ import annotations

import click
from rich.console import Console

from lionrock.access.model import Role
from lionrock.cli.failures import friendly
from lionrock.hub import Hub
from lionrock.hub import users as hub_users
from lionrock.settings import Settings

err = Console(stderr=True, soft_wrap=True)


def _hub(ctx: click.Context) -> Hub:
    settings: Settings = ctx.find_root().obj
    return Hub.open(settings)


@click.group("user")
def user_group() -> None:
    """Web users (sign in at /web/)."""


@user_group.command("add")
@click.option("--org", "org_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", required=True, help="The user name to sign in with (unique in the hub).")
@click.pass_context
@friendly
def user_add(ctx: click.Context, org_name: str, role: str, name: str) -> None:
    """Add a user; prints its generated password alone on stdout, once (only its argon2 hash is kept)."""
    hub = _hub(ctx)
    try:
        made = hub_users.add_user(hub, org_name, name, Role(role))
    finally:
        hub.close()
    err.print(f"added {role} {name!r} of {org_name!r}; the password below is shown only now")
    click.echo(made.password)


@user_group.command("disable")
@click.argument("name")
@click.pass_context
@friendly
def user_disable(ctx: click.Context, name: str) -> None:
    """Disable a user and end its web sessions."""
    hub = _hub(ctx)
    try:
        hub_users.disable_user(hub, name)
    finally:
        hub.close()
    err.print(f"disabled {name!r}")
