"""`navigator backup PATH` and `navigator restore PATH`: a consistent copy of the SQLite store, taken
while the server runs, and a checked way back to one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from navigator.cli._app import app, get_context

if TYPE_CHECKING:
    from navigator.store.backup import StoreSummary


def _counts(summary: StoreSummary) -> str:
    return ", ".join(f"{count:,} {label}" for label, count in summary.key_counts().items())


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="File to write (or a folder: a dated file is made in it).")],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it already exists.")] = False,
) -> None:
    """Back up the store (SQLite online backup: safe while the server is running)."""
    from navigator.store.backup import BackupError, backup_store

    c = get_context(ctx)
    try:
        summary = backup_store(c.settings, path, force=force)
    except BackupError as exc:
        c.err.print(f"[red]Backup not made:[/] {exc}")
        raise typer.Exit(1) from exc
    c.console.print(f"Backed up the store to [bold]{summary.path}[/] ({_counts(summary)}); integrity ok.")
    c.console.print(f"Restore it with `navigator restore {summary.path}`.")


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A backup made by `navigator backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the store with a backup, after checking it. The replaced store is kept beside it."""
    from navigator.store.backup import BackupError, inspect_store, restore_store

    c = get_context(ctx)
    try:
        found = inspect_store(path)
        if not yes and not typer.confirm(
            f"Replace the store with {path} ({_counts(found)})? The current store is kept as a copy.",
            default=False,
        ):
            c.err.print("Nothing was changed.")
            raise typer.Exit(1)
        result = restore_store(c.settings, path)
    except BackupError as exc:
        c.err.print(f"[red]Not restored:[/] {exc}")
        raise typer.Exit(1) from exc
    c.console.print(f"Restored the store from [bold]{path}[/] ({_counts(result.restored)}); integrity ok.")
    if result.previous is not None:
        c.console.print(f"The store it replaced is kept at {result.previous}.")
    c.console.print(
        "The search index still describes the old listings: run `navigator index build` to rebuild and "
        "publish it (a running server switches to the new build by itself)."
    )
