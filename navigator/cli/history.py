"""`navigator history` and `navigator rollback BATCH_ID`: every import (CLI, browser, sync) and
undoing one. The same functions serve the curator pages."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from navigator.cli._app import app, get_context


@app.command("history")
def history_command(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option(help="Only imports of this source.")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List imports and rollbacks: who, when, source, files, counts, status."""
    from rich.table import Table

    from navigator.store.history_queries import list_batches

    c = get_context(ctx)
    with c.store.read() as session:
        rows, total = list_batches(session, source=source, limit=max(1, min(limit, 1000)))
    data = [
        {
            "id": r.id,
            "kind": r.kind,
            "status": r.status,
            "source": r.source,
            "actor": r.actor,
            "finished_at": r.finished_at.isoformat(timespec="seconds") if r.finished_at else None,
            "files": r.files,
            "counts": r.counts,
            "rollback_of": r.rollback_of,
            "rolled_back_by": r.rolled_back_by,
        }
        for r in rows
    ]
    if as_json:
        typer.echo(json.dumps({"total": total, "imports": data}, indent=2, ensure_ascii=False))
        return
    if not rows:
        c.console.print("No imports yet.")
        return
    table = Table(title=f"Imports (newest first, {len(rows)} of {total})", title_justify="left")
    for col in ("#", "When", "Who", "Source", "What", "Status"):
        table.add_column(col, overflow="fold")
    for r in rows:
        if r.kind == "rollback":
            what = f"rollback of #{r.rollback_of}: " + ", ".join(f"{k} {v}" for k, v in r.counts.items() if v)
        else:
            keys = ("added", "updated", "unchanged", "rejected", "deactivated")
            what = ", ".join(f"{k} {r.counts.get(k, 0):,}" for k in keys if k in r.counts)
        when = r.finished_at.strftime("%Y-%m-%d %H:%M") if r.finished_at else "—"
        table.add_row(str(r.id), when, r.actor, r.source, what, r.status)
    c.console.print(table)


@app.command("rollback")
def rollback_command(
    ctx: typer.Context,
    batch_id: Annotated[int, typer.Argument(help="The import's number (see `navigator history`).")],
    skip_changed: Annotated[
        bool,
        typer.Option(
            "--skip-changed", help="Leave listings changed since the import as they are; undo the rest."
        ),
    ] = False,
    actor: Annotated[str, typer.Option(help="Who is rolling back (recorded in the history).")] = "cli",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    build_index: Annotated[
        bool, typer.Option("--index/--no-index", help="Rebuild the search index afterwards.")
    ] = True,
) -> None:
    """Undo an import: listings it updated get their previous version back, listings it added go.
    Refused if any of them changed again since, unless --skip-changed. Exit 0 done, 2 refused."""
    from navigator.curation.rollback import RollbackRefused, rollback_batch

    c = get_context(ctx)
    try:
        result = rollback_batch(c.store, batch_id, actor=actor, skip_changed=skip_changed)
    except RollbackRefused as exc:
        if as_json:
            plan = [i.__dict__ for i in exc.plan.items] if exc.plan else []
            typer.echo(json.dumps({"refused": str(exc), "items": plan}, indent=2, ensure_ascii=False))
        else:
            c.err.print(f"[red]Not rolled back:[/] {exc}")
            for item in exc.plan.of("skip") if exc.plan else []:
                c.err.print(f"  {item.source_id} {item.name}: {item.reason}")
        raise typer.Exit(2) from exc
    message = None
    if build_index:
        from navigator.search.index_build import rebuild_after_import

        message = rebuild_after_import(c.settings, c.store, c.err)
    if as_json:
        typer.echo(json.dumps({**result.to_dict(), "index_message": message}, indent=2, ensure_ascii=False))
        return
    counts = result.plan.counts()
    c.console.print(
        f"Rolled back import #{batch_id} (recorded as #{result.rollback_batch_id}): "
        f"{counts['restore']:,} restored to their previous version, {counts['remove']:,} removed, "
        f"{counts['deactivate']:,} kept as inactive, {counts['skip']:,} left as they are."
    )
    for item in result.plan.items:
        if item.action in ("skip", "deactivate"):
            c.console.print(f"  {item.source_id} {item.name}: {item.reason}")
    if message:
        c.console.print(message)
