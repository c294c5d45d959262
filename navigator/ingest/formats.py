"""Which reader reads a path: by the name the curator gave, or by sniffing."""

from __future__ import annotations

import importlib
from pathlib import Path

from navigator.ingest.readers.base import FileUnreadable, Reader

# format name → "module:Class"; imported lazily so one reader's dependencies never slow the others.
READERS: dict[str, str] = {
    "oruk": "navigator.ingest.readers.oruk_json:OrukJsonReader",
    "hsds-csv": "navigator.ingest.readers.hsds_csv:HsdsCsvReader",
    "spreadsheet": "navigator.ingest.readers.spreadsheet:SpreadsheetReader",
}
FORMAT_CHOICES = ("auto", *READERS)

_HINT = (
    "Navigator reads Open Referral UK JSON (.json), an HSDS CSV data package (a folder with "
    "datapackage.json) and spreadsheets (.csv, .xlsx, or a folder with services.csv). "
    "Use --format to say which this is."
)


def load_reader(fmt: str) -> Reader:
    module_name, class_name = READERS[fmt].split(":")
    reader: Reader = getattr(importlib.import_module(module_name), class_name)()
    return reader


def reader_for(path: Path, fmt: str = "auto") -> Reader:
    if fmt != "auto":
        if fmt not in READERS:
            raise FileUnreadable(
                str(path), f"unknown format '{fmt}'. Choose one of: {', '.join(FORMAT_CHOICES)}"
            )
        return load_reader(fmt)
    if not path.exists():
        raise FileUnreadable(str(path), "no such file or folder")
    # Data packages first: a datapackage folder also holds CSVs a spreadsheet reader would accept.
    for name in ("hsds-csv", "oruk", "spreadsheet"):
        reader = load_reader(name)
        if reader.sniff(path):
            return reader
    what = "folder" if path.is_dir() else "file"
    raise FileUnreadable(str(path), f"this {what} is not in a format Navigator recognises. {_HINT}")


def input_size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size
