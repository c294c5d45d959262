"""`navigator handoffs purge`: delete requests to talk to a person older than the retention period.

The app also does this hourly and whenever the inbox is opened; this command is for a scheduler
(cron) on deployments where the app may be idle or down for a while.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from navigator.cli._app import app, get_context

handoffs_app = typer.Typer(help="Requests from the chat to talk to a person.", no_args_is_help=True)
app.add_typer(handoffs_app, name="handoffs")


@handoffs_app.command("purge")
def purge(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Delete hand-off requests older than NAVIGATOR_HANDOFF_RETENTION_DAYS."""
    from navigator.chat.handoff import purge_expired

    context = get_context(ctx)
    days = context.settings.handoff_retention_days
    removed = purge_expired(context.store, days)
    if as_json:
        typer.echo(json.dumps({"deleted": removed, "retention_days": days}))
    else:
        context.console.print(f"Deleted {removed} hand-off request(s) older than {days} days.")
