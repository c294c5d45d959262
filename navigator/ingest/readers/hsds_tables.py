"""Finding and loading the tables of an HSDS CSV data package (datapackage.json + one CSV per table),
whatever names the HSDS version in use gives them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from navigator.ingest.readers.base import FileUnreadable, ReadProblem, ReadResult
from navigator.ingest.readers.tabular import counted, describe_lines, read_csv, to_table

# canonical table → file/resource names it goes by across HSDS versions
TABLES: dict[str, tuple[str, ...]] = {
    "services": ("services", "service"),
    "organizations": ("organizations", "organization", "organisations", "organisation"),
    "locations": ("locations", "location"),
    "service_at_location": ("services_at_location", "service_at_location", "service_at_locations"),
    "addresses": ("physical_addresses", "physical_address", "addresses", "address"),
    "phones": ("phones", "phone"),
    "schedules": ("regular_schedules", "regular_schedule", "schedules", "schedule"),
    "taxonomy": ("taxonomy", "taxonomies"),
    "taxonomy_terms": ("taxonomy_terms", "taxonomy_term"),
    "service_taxonomy": (
        "services_taxonomy",
        "service_taxonomy",
        "service_attributes",
        "attributes",
        "attribute",
    ),
    "eligibility": ("eligibility", "eligibilities"),
    "languages": ("languages", "language"),
    "accessibility": ("accessibility_for_disabilities", "accessibility", "accessibilities"),
    "cost_options": ("cost_options", "cost_option"),
    "service_areas": ("service_areas", "service_area"),
}
ALIASES = {alias: canon for canon, names in TABLES.items() for alias in names}

Row = dict[str, str]


@dataclass
class Rows:
    name: str  # file name, for locators: "services.csv"
    rows: list[tuple[int, Row]]


def package_of(table: Path) -> Path | None:
    """The datapackage.json beside a CSV table, or one folder up when the tables sit in data/."""
    if table.suffix.lower() != ".csv":
        return None
    for folder in (table.parent, table.parent.parent):
        if (folder / "datapackage.json").is_file():
            return folder / "datapackage.json"
    return None


def read_descriptor(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FileUnreadable(
            str(path),
            "no datapackage.json here. An HSDS CSV data package is a folder holding datapackage.json "
            "and its CSV tables: give that folder, or import a single CSV table as a spreadsheet",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileUnreadable(path.name, "is not UTF-8 text; save it as UTF-8 JSON") from exc
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise FileUnreadable(path.name, f"is not valid JSON: {exc.msg}", where) from exc
    if not isinstance(data, dict):
        raise FileUnreadable(path.name, "must be a JSON object with a `resources` list")
    return data


def table_files(folder: Path, descriptor: dict[str, Any]) -> dict[str, Path]:
    """canonical table → CSV file, from the descriptor's resources first, then by file name."""
    root = folder.resolve()
    candidates: list[tuple[str, Path]] = []
    resources = descriptor.get("resources")
    for res in resources if isinstance(resources, list) else []:
        rel = res.get("path") if isinstance(res, dict) else None
        rel = rel[0] if isinstance(rel, list) and rel else rel
        if not isinstance(rel, str) or "://" in rel:
            continue
        for p in (folder / rel, folder / "data" / Path(rel).name, folder / Path(rel).name):
            # a resource path may not climb out of the package folder
            if p.is_file() and p.resolve().is_relative_to(root):
                candidates += [(str(res.get("name", "")), p), (p.stem, p)]
                break
    for sub in (folder, folder / "data"):
        candidates += [(p.stem, p) for p in sorted(sub.glob("*.csv"))]
    found: dict[str, Path] = {}
    for name, p in candidates:
        canon = ALIASES.get(name.strip().lower().replace("-", "_"))
        if canon and canon not in found:
            found[canon] = p
    return found


def load_tables(
    folder: Path, descriptor: dict[str, Any], max_bytes: int, result: ReadResult
) -> dict[str, Rows]:
    tables: dict[str, Rows] = {}
    for canon, path in table_files(folder, descriptor).items():
        table = to_table(read_csv(path, max_bytes, delimiter=","))
        result.warnings.extend(table.warnings)
        if canon == "services":
            result.problems.extend(table.bad_rows)
        elif table.bad_rows:
            lines = [int(p.locator.split()[-1]) for p in table.bad_rows]
            reason = counted(len(lines), "row has", "rows have") + " the wrong number of cells; not used"
            result.warnings.append(ReadProblem(table.name, describe_lines(lines, 5), reason))
        keys = [re.sub(r"[^0-9a-z]+", "_", h.lower()).strip("_") for h in table.header]
        if (
            canon in ("services", "organizations", "locations", "taxonomy", "taxonomy_terms")
            and "id" not in keys
        ):
            raise FileUnreadable(
                table.name,
                f"has no `id` column (found: {', '.join(table.header)}); every {canon} row needs an id",
                f"line {table.header_line}",
            )
        rows = [(r.line, {k: c.strip() for k, c in zip(keys, r.cells, strict=True)}) for r in table.rows]
        tables[canon] = Rows(table.name, rows)
    return tables
