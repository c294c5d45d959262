"""`navigator index build|status`: build and publish the search index; show whether it is current."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from navigator.cli._app import app, get_context

index_app = typer.Typer(help="Build the search index and show its state.", no_args_is_help=True)
app.add_typer(index_app, name="index")


@index_app.command("build")
def build_command(
    ctx: typer.Context,
    backend: Annotated[
        str | None,
        typer.Option(help="ANN backend: numpy, faiss-flat, faiss-sq8 or faiss-hnsw (default: by size)."),
    ] = None,
    keep: Annotated[int, typer.Option(help="How many builds to keep on disk.")] = 3,
) -> None:
    """Build a new index from the store and publish it (a running server switches to it)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from navigator.search.embedder import EmbedderError
    from navigator.search.index_build import build_index

    c = get_context(ctx)
    if backend not in (None, "numpy", "faiss-flat", "faiss-sq8", "faiss-hnsw"):
        c.err.print(f"[red]Unknown backend {backend!r}.[/] Use numpy, faiss-flat, faiss-sq8 or faiss-hnsw.")
        raise typer.Exit(2)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=c.err, transient=True
    ) as bar:
        task: list[TaskID] = []

        def progress(stage: str, done: int, total: int) -> None:
            if not task:
                task.append(bar.add_task(stage.capitalize(), total=total))
            bar.update(task[0], completed=done, total=total)

        try:
            result = build_index(c.settings, c.store, backend=backend, keep=keep, progress=progress)
        except EmbedderError as exc:
            c.err.print(f"[red]Could not load the embedding model:[/] {exc}")
            raise typer.Exit(1) from exc
    m = result.manifest
    c.console.print(
        f"Built index [bold]{m.build_id}[/]: {m.count:,} listings, {m.model_id} ({m.dimensions}-d), "
        f"{m.backend}; embedded {result.embedded:,}, reused {result.reused:,}; {result.seconds:.1f} s."
    )
    c.console.print(f"Published to {c.settings.resolved_index_dir / m.build_id}")


@index_app.command("status")
def status_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show the published build and whether the store has changed since (stale)."""
    from navigator.search.index_build import index_status

    c = get_context(ctx)
    status = index_status(c.settings, c.store)
    m = status.manifest
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "build_id": status.build_id,
                    "stale": status.stale,
                    "problem": status.problem,
                    "store_generation": status.store_generation,
                    "listings_in_store": status.listings_in_store,
                    "manifest": None
                    if m is None
                    else {k: v for k, v in vars(m).items() if k != "filters_meta"},
                },
                indent=2,
            )
        )
        raise typer.Exit(0 if m is not None and not status.stale else 1)
    if m is None:
        c.console.print(f"[yellow]{status.problem}[/] Run `navigator index build`.")
        raise typer.Exit(1)
    c.console.print(f"Current build [bold]{m.build_id}[/] built {m.built_at} in {m.build_seconds:.1f} s")
    c.console.print(
        f"  {m.count:,} listings ({m.counts.get('active', 0):,} active), model {m.model_id} "
        f"({m.dimensions}-d), backend {m.backend}"
    )
    if status.stale:
        c.console.print(
            f"[yellow]Stale:[/] the store has changed since this build (generation {m.store_generation} → "
            f"{status.store_generation}). Run `navigator index build`."
        )
        raise typer.Exit(1)
    c.console.print(
        f"[green]Up to date[/] with the store (generation {status.store_generation}, "
        f"{status.listings_in_store:,} listings)."
    )
