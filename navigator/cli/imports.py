"""`navigator import`: bring directory files into the store and say exactly what happened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from navigator.cli._app import app, get_context
from navigator.ingest.formats import FORMAT_CHOICES
from navigator.ingest.report import ImportReport, Warning_

if TYPE_CHECKING:
    from navigator.cli._app import CliContext

SHOW_AT_MOST = 25


@app.command("import")
def import_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders: ORUK JSON, HSDS CSV package, CSV/XLSX.")
    ],
    source: Annotated[
        str | None,
        typer.Option(help="Name of the feed or file these listings come from (default: from the path)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMAT_CHOICES)}.")] = "auto",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the report without changing anything.")
    ] = False,
    report_file: Annotated[
        Path | None, typer.Option("--report", help="Also write the full report as JSON here.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON instead of tables.")
    ] = False,
    build_index: Annotated[
        bool,
        typer.Option("--index/--no-index", help="Rebuild the search index afterwards when listings changed."),
    ] = True,
) -> None:
    """Import listings. Re-running is safe: unchanged records are skipped, changed ones updated."""
    from sqlalchemy.exc import DBAPIError

    from navigator.ingest.pipeline import store_write_problem
    from navigator.store.db import StoreError

    c = get_context(ctx)
    if fmt not in FORMAT_CHOICES:
        c.err.print(f"[red]Unknown format '{fmt}'.[/] Choose one of: {', '.join(FORMAT_CHOICES)}.")
        raise typer.Exit(2)
    try:
        report = _run_import(c, paths, source=source, fmt=fmt, dry_run=dry_run, as_json=as_json)
    except StoreError as exc:
        c.err.print(f"[red]Import failed:[/] {exc}")
        raise typer.Exit(1) from exc
    except DBAPIError as exc:  # opening the store (before the import began) failed the same ways
        problem = store_write_problem(exc, _store_location(c.settings.resolved_database_url))
        if problem is None:
            raise
        c.err.print(f"[red]Import failed:[/] {problem}")
        raise typer.Exit(1) from exc
    if build_index and report.changed and not dry_run:
        report.index_message = _rebuild_index(ctx)
    if report_file:
        report.write_json(report_file)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        render_report(report, c.console)
    raise typer.Exit(report.exit_code())


def _run_import(
    c: CliContext, paths: list[Path], *, source: str | None, fmt: str, dry_run: bool, as_json: bool
) -> ImportReport:
    """The import with a progress bar on stderr (none with --json)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from navigator.ingest.pipeline import import_paths

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=c.err,
        transient=True,
        disable=as_json,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage.capitalize(), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        report = import_paths(
            c.store, paths, settings=c.settings, source=source, fmt=fmt, dry_run=dry_run, progress=progress
        )
    return report


def _store_location(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.database if parsed.get_backend_name() == "sqlite" else None


def _rebuild_index(ctx: typer.Context) -> str:
    c = get_context(ctx)
    try:
        from navigator.search.index_build import rebuild_after_import
    except ImportError:
        return "Search index: not available in this build; run `navigator index build` when it is."
    return rebuild_after_import(c.settings, c.store, c.err)


def render_report(report: ImportReport, console: Console) -> None:
    title = "Dry run — nothing was changed" if report.dry_run else f"Import into source '{report.source}'"
    counts = Table(title=title, show_header=False, title_justify="left")
    counts.add_column(style="bold")
    counts.add_column(justify="right")
    for label, value in (
        ("Records read", report.read),
        ("Added", report.added),
        ("Updated", report.updated),
        ("Unchanged", report.unchanged),
        ("Rejected", len(report.rejected)),
        ("Warnings", len(report.warnings)),
        ("Possible duplicates", len(report.duplicates)),
    ):
        counts.add_row(label, f"{value:,}")
    console.print(counts)
    for error in report.file_errors:
        where = f"{error.file} ({error.locator})" if error.locator else error.file
        console.print(f"[red]Could not read[/] {where}: {error.reason}")
    if report.rejected:
        table = Table(title="Rejected records", title_justify="left")
        for col in ("Where", "Id", "Reason"):
            table.add_column(col, overflow="fold")
        for r in report.rejected[:SHOW_AT_MOST]:
            table.add_row(f"{Path(r.file).name} {r.locator}", r.source_id or "—", r.reason)
        console.print(table)
        _more(console, len(report.rejected))
    if report.warnings:
        table = Table(title="Warnings (records were imported)", title_justify="left")
        table.add_column("Field")
        table.add_column("Count", justify="right")
        table.add_column("Example", overflow="fold")
        examples: dict[str, Warning_] = {}
        for w in report.warnings:
            examples.setdefault(w.field or "record", w)
        for field_name, count in report.warning_summary():
            ex = examples[field_name]
            table.add_row(
                field_name,
                f"{count:,}",
                f"{ex.source_id or Path(ex.file).name + ' ' + ex.locator}: {ex.message}",
            )
        console.print(table)
    if report.updates:
        table = Table(title="Updated records", title_justify="left")
        table.add_column("Id")
        table.add_column("Name")
        table.add_column("Fields changed", overflow="fold")
        for u in report.updates[:SHOW_AT_MOST]:
            table.add_row(u.source_id, u.name, ", ".join(ch.field for ch in u.changes))
        console.print(table)
        _more(console, len(report.updates))
    if report.duplicates:
        table = Table(title="Possible duplicates (stored for review; nothing merged)", title_justify="left")
        for col in ("Listing", "Looks like", "Why"):
            table.add_column(col, overflow="fold")
        for d in report.duplicates[:SHOW_AT_MOST]:
            table.add_row(
                f"{d.a.name} [{d.a.source}:{d.a.id}]",
                f"{d.b.name} [{d.b.source}:{d.b.id}]",
                "; ".join(d.reasons),
            )
        console.print(table)
        _more(console, len(report.duplicates))
    if report.index_message:
        console.print(report.index_message)


def _more(console: Console, total: int) -> None:
    if total > SHOW_AT_MOST:
        console.print(f"… and {total - SHOW_AT_MOST:,} more (use --report FILE or --json for the full list)")
