"""One entry point for every export, used by the CLI and the download routes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

from navigator.export import hsds_csv, oruk_json, spreadsheet
from navigator.export.files import ExportTargetError
from navigator.export.listings import open_listings
from navigator.store import oruk_queries as q
from navigator.store.db import Store

FORMATS = ("oruk-json", "hsds-csv", "spreadsheet")


class ExportError(Exception):
    """The export cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True)
class ExportResult:
    format: str
    path: str | None  # None: written to the stream given
    listings: int


def default_output(fmt: str, xlsx: bool = False) -> Path:
    if fmt == "oruk-json":
        return Path("navigator-oruk.json")
    if fmt == "hsds-csv":
        return Path("navigator-hsds")
    return Path("navigator-services.xlsx" if xlsx else "navigator-services.csv")


def check_source(store: Store, source: str | None) -> None:
    if source is None:
        return
    with store.read() as session:
        known = q.source_counts(session)
    if source not in {name for name, _ in known}:
        names = ", ".join(name for name, _ in known) or "none yet"
        raise ExportError(f"no listings come from the source '{source}'. Sources in the store: {names}")


def export(
    store: Store,
    fmt: str,
    output: Path | None,
    *,
    source: str | None = None,
    xlsx: bool = False,
    stream: IO[str] | None = None,
) -> ExportResult:
    """Write one export. `output` None writes to `stream` (ORUK JSON and spreadsheet CSV only).
    For hsds-csv, an output ending in .zip is one zip file, anything else a folder."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    if output is None and (fmt == "hsds-csv" or xlsx):
        raise ExportError(
            f"{'XLSX' if xlsx else 'an HSDS data package'} cannot go to standard output; give --output"
        )
    check_source(store, source)
    try:
        with open_listings(store, source) as (total, items):
            if fmt == "oruk-json":
                count = oruk_json.write(items, total, output, stream)
            elif fmt == "hsds-csv":
                assert output is not None
                zipped = output.suffix.lower() == ".zip"
                count = hsds_csv.write_zip(items, output) if zipped else hsds_csv.write_folder(items, output)
            elif xlsx:
                assert output is not None
                count = spreadsheet.write_xlsx(items, output)
            else:
                count = spreadsheet.write_csv(items, output, stream)
    except (ExportTargetError, OSError) as exc:
        raise ExportError(str(exc)) from exc
    return ExportResult(fmt, str(output) if output is not None else None, count)
