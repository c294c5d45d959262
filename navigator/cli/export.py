"""`navigator export`: the directory as ORUK 3.0 JSON, an HSDS CSV data package or the spreadsheet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from navigator.cli._app import app, get_context

_FORMATS = "oruk-json, hsds-csv or spreadsheet"


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help=f"One of: {_FORMATS}.")],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            help="File (or folder, for hsds-csv; a .zip name gives one zip file). '-' writes ORUK JSON or "
            "spreadsheet CSV to standard output. Default: navigator-oruk.json, navigator-hsds/, "
            "navigator-services.csv (.xlsx).",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Only the listings of this source (see `navigator listings`).")
    ] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Spreadsheet as an Excel .xlsx workbook.")] = False,
) -> None:
    """Export listings. Files appear whole or not at all; hidden addresses are never written."""
    from navigator.export.run import ExportError, default_output, export

    c = get_context(ctx)
    if xlsx and fmt != "spreadsheet":
        c.err.print("[red]--xlsx only applies to --format spreadsheet.[/]")
        raise typer.Exit(2)
    target = None if output == "-" else Path(output) if output else default_output(fmt, xlsx)
    try:
        result = export(c.store, fmt, target, source=source, xlsx=xlsx, stream=sys.stdout)
    except ExportError as exc:
        c.err.print(f"[red]Export failed:[/] {exc}")
        raise typer.Exit(1) from exc
    if result.path is not None:
        what = "listing" if result.listings == 1 else "listings"
        c.err.print(f"Wrote {result.listings:,} {what} to {result.path} ({fmt}{', xlsx' if xlsx else ''}).")
