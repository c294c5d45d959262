"""`navigator feeds add|list|remove` and `navigator sync [SOURCE]`: pull published ORUK feeds.

`navigator sync` (for cron) fetches every registered feed, or the one named, through the
outgoing-request guard, imports it through the same pipeline as `navigator import` (so history and
rollback work the same) and marks listings that left the feed inactive — only when the whole feed
was fetched. Exit code: 0 all feeds synced, 1 some feed failed or was partial, 2 none could be used.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from navigator.cli._app import app, get_context

feeds_app = typer.Typer(help="Published ORUK feeds that `navigator sync` pulls.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")


@feeds_app.command("add")
def feeds_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Source name its listings are imported under.")],
    url: Annotated[str, typer.Argument(help="The feed's ORUK API base URL (v1 or 3.0), https.")],
) -> None:
    """Register a feed by its ORUK API base URL (the address whose /services lists services)."""
    from navigator.curation.feeds import FeedProblem, base_url
    from navigator.store import feeds_queries as fq

    c = get_context(ctx)
    try:
        base = base_url(url)
    except FeedProblem as exc:
        c.err.print(f"[red]Not added:[/] {exc}")
        raise typer.Exit(2) from exc
    name = name.strip()
    if not name or len(name) > 200:
        c.err.print("[red]Not added:[/] give the feed a name of 1–200 characters.")
        raise typer.Exit(2)
    with c.store.write() as session:
        if fq.feed_by_name(session, name) is not None:
            c.err.print(f"[red]Not added:[/] there is already a feed called '{name}'.")
            raise typer.Exit(2)
        fq.add_feed(session, name, base, "cli")
    c.console.print(f"Added feed '{name}': {base}/services. Run `navigator sync {name}` to pull it.")


@feeds_app.command("list")
def feeds_list(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """List registered feeds and how their last sync went."""
    from rich.table import Table

    from navigator.store import feeds_queries as fq

    c = get_context(ctx)
    with c.store.read() as session:
        rows = fq.list_feeds(session)
    data = [
        {
            "name": r.name,
            "url": r.base_url,
            "last_sync": r.last_sync.started_at.isoformat(timespec="seconds") if r.last_sync else None,
            "status": r.last_sync.status if r.last_sync else None,
            "message": r.last_sync.message if r.last_sync else None,
        }
        for r in rows
    ]
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    if not data:
        c.console.print("No feeds yet. Add one with `navigator feeds add NAME URL`.")
        return
    table = Table(title="Feeds", title_justify="left")
    for col in ("Name", "URL", "Last sync", "Status"):
        table.add_column(col, overflow="fold")
    for d in data:
        table.add_row(d["name"], d["url"], d["last_sync"] or "never", d["status"] or "—")
    c.console.print(table)


@feeds_app.command("remove")
def feeds_remove(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The feed's name.")]) -> None:
    """Stop syncing a feed. Its listings stay (as listings of that source) with their history."""
    from navigator.store import feeds_queries as fq

    c = get_context(ctx)
    with c.store.write() as session:
        feed = fq.feed_by_name(session, name)
        if feed is None:
            c.err.print(f"[red]No feed called '{name}'.[/]")
            raise typer.Exit(2)
        fq.remove_feed(session, feed.id)
    c.console.print(f"Removed feed '{name}'. Its listings were kept.")


@app.command("sync")
def sync_command(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Argument(help="Feed to sync (default: every feed).")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch and report without changing anything.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
    build_index: Annotated[
        bool,
        typer.Option("--index/--no-index", help="Rebuild the search index afterwards when listings changed."),
    ] = True,
) -> None:
    """Pull published feeds and import them; listings that left a feed become inactive (never deleted)."""
    from navigator.store import feeds_queries as fq

    c = get_context(ctx)
    with c.store.read() as session:
        names = [r.name for r in fq.list_feeds(session)]
    if source is not None:
        if source not in names:
            c.err.print(f"[red]No feed called '{source}'.[/] Known feeds: {', '.join(names) or 'none'}.")
            raise typer.Exit(2)
        names = [source]
    if not names:
        c.err.print("No feeds to sync. Add one with `navigator feeds add NAME URL`.")
        raise typer.Exit(0)
    outcomes = [
        _sync_one(ctx, name, dry_run=dry_run, build_index=build_index, quiet=as_json) for name in names
    ]
    if as_json:
        typer.echo(json.dumps(outcomes, indent=2, ensure_ascii=False, default=str))
    ok = [o for o in outcomes if o["status"] in ("applied", "previewed")]
    if not ok:
        raise typer.Exit(2)
    raise typer.Exit(0 if len(ok) == len(outcomes) and all(o.get("complete") for o in ok) else 1)


def _sync_one(
    ctx: typer.Context, name: str, *, dry_run: bool, build_index: bool, quiet: bool
) -> dict[str, Any]:
    from navigator.cli.imports import render_report
    from navigator.curation import staging
    from navigator.curation.feeds import FeedProblem, fetch_to_staged
    from navigator.curation.report_view import report_from_dict
    from navigator.curation.staged_import import apply_staged, rebuild_index, run_preview

    c = get_context(ctx)
    if not quiet:
        c.err.print(f"Syncing feed '{name}'…")
    try:
        staged = fetch_to_staged(c.store, c.settings, name, actor="sync")
    except FeedProblem as exc:
        c.err.print(f"[red]Feed '{name}' not synced:[/] {exc}")
        return {"feed": name, "status": "failed", "message": str(exc)}
    root = staging.uploads_root(c.settings)
    try:
        if dry_run:
            data = run_preview(c.store, c.settings, staged)
        else:
            data = apply_staged(
                c.store, c.settings, staged, actor="sync", rebuild=rebuild_index if build_index else None
            ).report
    finally:
        staging.delete(root, staged.id)
    feed = data.get("feed", {})
    if not quiet:
        render_report(report_from_dict(data), c.console)
        state = "whole feed fetched" if feed.get("complete") else "PARTIAL fetch: nothing was marked inactive"
        c.console.print(
            f"Feed '{name}': ORUK {feed.get('version')}, {feed.get('services', 0):,} services in "
            f"{feed.get('pages', 0):,} page(s), {feed.get('requests', 0):,} request(s); {state}."
        )
        for problem in feed.get("problems", [])[:10]:
            c.console.print(f"  [yellow]{problem}[/]")
        if dry_run:
            c.console.print(f"Would mark inactive (left the feed): {len(feed.get('vanished', [])):,}")
        else:
            c.console.print(f"Marked inactive (left the feed): {data.get('deactivated_count', 0):,}")
    status = "previewed" if dry_run else "applied"
    return {"feed": name, "status": status, "complete": bool(feed.get("complete")), "report": data}
