"""Read a services spreadsheet (CSV, TSV or XLSX): the Navigator template, or any sheet whose columns
go by the names in `spreadsheet_columns`, optionally with organisations and locations tables.

The three-table shape (services.csv + organisations.csv + locations.csv side by side, or sheets of
those names in one workbook) joins organisations and venues by name: `Organisation(s)` and
`Location(s)` may list several names separated by ";". The first organisation is the service's
organisation; the whole cell is kept in extras. Each location becomes a service_at_location, and a
location's phone becomes one of the service's phones. Location columns with no ORUK home
(e.g. "Community Space") are not kept.

Rows are never evaluated: "=SUM(A1)" stays text, and an XLSX formula gives its cached value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from navigator.ingest.readers.base import FileUnreadable, RawRecord, ReadProblem, ReadResult
from navigator.ingest.readers.spreadsheet_columns import (
    LOCATION_ALIASES,
    MULTI_COLUMN,
    ONLY_FLAGS,
    ORGANISATION_ALIASES,
    SERVICE_ALIASES,
    TRUTHY,
    ColumnMap,
    accepted_names,
    parse_opening_times,
    slug,
    split_list,
)
from navigator.ingest.readers.tabular import (
    DEFAULT_MAX_BYTES,
    Grid,
    Row,
    Table,
    counted,
    describe_lines,
    header_key,
    read_grids,
    to_table,
)
from navigator.util.cells import restore

SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
_REMOTE = frozenset({"online", "virtual", "zoom", "remote", "telephone", "phone", "by phone"})
_HEADER_SEARCH_ROWS = 10  # title rows above the header are common in hand-made sheets
_PLAIN = {"description": "description", "website": "url", "email": "email", "status": "status"}
_PLAIN |= {"last_verified": "assured_date", "min_age": "minimum_age", "max_age": "maximum_age"}
_PLAIN |= {"cost": "fees", "free": "free", "delivery": "delivery", "hide_exact_address": "hide_exact_address"}


class SpreadsheetReader:
    format_name = "spreadsheet"

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, taxonomy: str | None = None) -> None:
        """`taxonomy` names the vocabulary of category cells; by default "folkestone" when the
        folke.world category columns are present, else "local"."""
        self.max_bytes = max_bytes
        self.taxonomy = taxonomy

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            return not (path / "datapackage.json").exists() and _find_file(path, ("services",)) is not None
        in_package = (path.parent / "datapackage.json").exists() or (
            path.parent.name == "data" and (path.parent.parent / "datapackage.json").exists()
        )
        return path.suffix.lower() in SUFFIXES and not in_package

    def read(self, path: Path) -> ReadResult:
        file = self._services_file(path)
        grids = read_grids(file, self.max_bytes)
        by_name = (
            {header_key(g.name.rpartition("[")[2].rstrip("]")): g for g in grids} if len(grids) > 1 else {}
        )
        services = _pick_services(grids, by_name.get("services"))
        orgs, locs = by_name.get("organisations") or by_name.get("organizations"), by_name.get("locations")
        if grids[0].encoding != "xlsx" and file.stem.lower() == "services":  # the three-table folder
            orgs, locs = (
                self._sibling(file, stems) for stems in (("organisations", "organizations"), ("locations",))
            )
        result = ReadResult()
        header_at = _header_row(services)
        table = to_table(services, header_at)
        if services.encoding != "xlsx":
            table.rows = [_restored(row) for row in table.rows]
        result.warnings.extend(table.warnings)
        result.problems.extend(table.bad_rows)
        if header_at:
            why = f"rows above the header (line {table.header_line}) were skipped as titles"
            result.warnings.append(ReadProblem(table.name, f"line {table.header_line}", why))
        org_lookup = _Lookup.build(orgs, ORGANISATION_ALIASES, result)
        location_lookup = _Lookup.build(locs, LOCATION_ALIASES, result)
        _Rows(table, org_lookup, location_lookup, self.taxonomy, result).run()
        return result

    def _services_file(self, path: Path) -> Path:
        if not path.is_dir():
            return path
        if (path / "datapackage.json").exists():
            raise FileUnreadable(str(path), "holds datapackage.json: import it as an HSDS CSV data package")
        found = _find_file(path, ("services",))
        if found is None:
            names = ", ".join(sorted(p.name for p in path.iterdir())[:15]) or "nothing"
            raise FileUnreadable(
                str(path),
                f"is a folder without a services.csv or services.xlsx (found: {names}); give the file",
            )
        return found

    def _sibling(self, file: Path, stems: tuple[str, ...]) -> Grid | None:
        found = _find_file(file.parent, stems)
        return read_grids(found, self.max_bytes)[0] if found and found != file else None


def _find_file(folder: Path, stems: tuple[str, ...]) -> Path | None:
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.stem.lower() in stems and p.suffix.lower() in SUFFIXES:
            return p
    return None


def _header_row(
    grid: Grid, aliases: dict[str, tuple[str, ...]] = SERVICE_ALIASES, need: str = "service_name"
) -> int:
    found = _find_header(grid, aliases, need)
    if found is not None:
        return found
    if not grid.rows:
        raise FileUnreadable(grid.name, "has no rows at all; it needs a header row naming the columns")
    first = grid.rows[0]
    columns = ", ".join(c.strip() for c in first.cells if c.strip())
    above = {1: "", 2: " (line 1 is blank)"}.get(first.line, f" (lines 1-{first.line - 1} are blank)")
    raise FileUnreadable(
        grid.name,
        f"no column for the service name. The first row{above} holds: {columns}. "
        f"Name one column {accepted_names(need, aliases)} (see docs/spreadsheet-template.md)",
        f"line {first.line}",
    )


def _find_header(grid: Grid, aliases: dict[str, tuple[str, ...]], need: str) -> int | None:
    for i, row in enumerate(grid.rows[:_HEADER_SEARCH_ROWS]):
        if need in ColumnMap.build([c.strip() for c in row.cells], aliases).fields:
            return i
    return None


def _pick_services(grids: list[Grid], named: Grid | None) -> Grid:
    """The sheet called "services", else the first sheet with a recognisable header, else the first."""
    if named is not None:
        return named
    for grid in grids:
        if _find_header(grid, SERVICE_ALIASES, "service_name") is not None:
            return grid
    return grids[0]


@dataclass
class _Lookup:
    """An organisations or locations table, keyed by casefolded name."""

    table: Table
    cmap: ColumnMap
    by_name: dict[str, Row] = field(default_factory=dict)

    @classmethod
    def build(
        cls, grid: Grid | None, aliases: dict[str, tuple[str, ...]], result: ReadResult
    ) -> _Lookup | None:
        if grid is None:
            return None
        at = _find_header(grid, aliases, "name")
        if at is None:
            why = f"no name column ({accepted_names('name', aliases)}), so it was not joined"
            result.warnings.append(ReadProblem(grid.name, "header", why))
            return None
        table = to_table(grid, at)
        result.warnings.extend(table.warnings + table.bad_rows)
        if grid.encoding != "xlsx":
            table.rows = [_restored(row) for row in table.rows]
        lookup = cls(table, ColumnMap.build(table.header, aliases))
        for row in table.rows:
            lookup.by_name.setdefault(_key(lookup.cmap.get(row.cells, "name")), row)
        return lookup

    def get(self, name: str) -> Row | None:
        return self.by_name.get(_key(name))

    def extras(self, row: Row) -> dict[str, str]:
        return {self.table.header[i]: row.cells[i].strip() for i in self.cmap.unknown if row.cells[i].strip()}


def _restored(row: Row) -> Row:
    """Undo the OWASP CSV-injection quote ("'=SUM(...)" → "=SUM(...)") that CSV exports add, so a
    spreadsheet exported by Navigator imports back exactly. CSV only: an XLSX cell is the text
    itself (exports mark it as text instead), so a leading quote there is the curator's own."""
    return Row(row.line, [restore(cell) for cell in row.cells])


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass
class _Rows:
    table: Table
    orgs: _Lookup | None
    locs: _Lookup | None
    taxonomy: str | None
    result: ReadResult
    missing: dict[str, list[tuple[str, int]]] = field(
        default_factory=lambda: {"organisation": [], "location": []}
    )
    cmap: ColumnMap = field(default_factory=ColumnMap)
    flags: list[int] = field(default_factory=list)  # "*Only" columns, e.g. "Homeless Only"

    def run(self) -> None:
        t = self.table
        self.cmap = cmap = ColumnMap.build(t.header, SERVICE_ALIASES, MULTI_COLUMN)
        self.flags = flags = [i for i in cmap.unknown if header_key(t.header[i]).endswith("only")]
        self.taxonomy = self.taxonomy or ("folkestone" if "folkestone_categories" in cmap.fields else "local")
        unknown = [t.header[i] for i in cmap.unknown if i not in flags]
        if unknown:
            why = f"columns kept as extras (not template columns): {', '.join(unknown)}"
            self.result.warnings.append(ReadProblem(t.name, f"line {t.header_line}", why))
        derive = "service_id" not in cmap.fields
        if derive:
            why = (
                "no service id column, so ids were made from organisation + name; add a Service ID "
                "column so ids stay the same when names change"
            )
            self.result.warnings.append(ReadProblem(t.name, f"line {t.header_line}", why))
        first: dict[str, int] = {}
        examples: list[int] = []
        for row in t.rows:
            where = t.locator(row)
            sid = cmap.get(row.cells, "service_id")
            if derive:
                base = slug(
                    cmap.get(row.cells, "organisation").split(";")[0], cmap.get(row.cells, "service_name")
                )
                base = base or f"line-{row.line}"
                sid, n = base, 1
                while sid in first:
                    n += 1
                    sid = f"{base}-{n}"
            if re.match(r"example(?![a-z])", sid, re.IGNORECASE):  # the template's own sample row
                examples.append(row.line)
                continue
            if not sid:
                why = "service id is empty; give every row its own id (it must not change between imports)"
                self.result.problems.append(ReadProblem(t.name, where, why))
                continue
            if sid in first:
                why = f"duplicate id {sid} (first at line {first[sid]})"
                self.result.problems.append(ReadProblem(t.name, where, why))
                continue
            first[sid] = row.line
            self.result.records.append(RawRecord(t.name, where, self.record(sid, row)))
        if examples:
            why = "the template's EXAMPLE row(s) were skipped"
            self.result.warnings.append(ReadProblem(t.name, describe_lines(examples), why))
        for kind, names in self.missing.items():
            if names:
                lookup = self.orgs if kind == "organisation" else self.locs
                shown = "; ".join(f"{name!r} (line {line})" for name, line in names[:5])
                more = f" and {len(names) - 5} more" if len(names) > 5 else ""
                source = lookup.table.name if lookup else "?"
                why = (
                    counted(len(names), f"{kind} name is", f"{kind} names are")
                    + f" not in {source}: {shown}{more}"
                )
                lines = describe_lines(sorted({line for _, line in names}), 5)
                self.result.warnings.append(ReadProblem(t.name, lines, why))

    def record(self, sid: str, row: Row) -> dict[str, Any]:
        c, cells = self.cmap, row.cells
        data: dict[str, Any] = {"id": sid, "name": c.get(cells, "service_name")}
        data |= {key: c.get(cells, canon) for canon, key in _PLAIN.items()}
        extras = {self.table.header[i]: cells[i].strip() for i in c.unknown if i not in self.flags}
        data["extras"] = {k: v for k, v in extras.items() if v}
        self._organisation(data, c.get(cells, "organisation"), row.line)
        data["phones"] = [{"number": p} for p in split_list(c.get(cells, "phone"))]
        data["service_at_locations"] = self._locations(data, row)
        data["schedules"] = self._schedules(row)
        columns = [*c.all(cells, "categories"), *c.all(cells, "folkestone_categories")]
        terms = [term for cell in columns for term in split_list(cell, commas=True)]
        data["taxonomy_terms"] = [{"term": t, "taxonomy": self.taxonomy} for t in dict.fromkeys(terms)]
        data["languages"] = split_list(c.get(cells, "languages"), commas=True)
        data["service_areas"] = split_list(c.get(cells, "service_area"))
        only = [ONLY_FLAGS.get(header_key(self.table.header[i]), f"{self.table.header[i][:-4].strip()} only")
                for i in self.flags if cells[i].strip().casefold() in TRUTHY]  # fmt: skip
        data["eligibility_description"] = "; ".join(filter(None, [c.get(cells, "eligibility"), *only]))
        return {k: v for k, v in data.items() if v not in ("", [], {}, None)}

    def _organisation(self, data: dict[str, Any], cell: str, line: int) -> None:
        names = split_list(cell)
        if not names:
            return
        if len(names) > 1:
            data["extras"][self.table.header[self.cmap.fields["organisation"][0]]] = cell
        org: dict[str, str] = {"name": names[0]}
        row = self.orgs.get(names[0]) if self.orgs else None
        if self.orgs and row is None:
            self.missing["organisation"].append((names[0], line))
        if self.orgs and row:
            oc = self.orgs.cmap
            org = {k: oc.get(row.cells, k) for k in ("id", "name", "description", "website", "email")}
            for name, value in self.orgs.extras(row).items():
                data["extras"][f"organisation {name}" if name in data["extras"] else name] = value
            data["url"] = data["url"] or org["website"]
        data["organization"] = {k: v for k, v in org.items() if v}

    def _locations(self, data: dict[str, Any], row: Row) -> list[dict[str, Any]]:
        c, cells = self.cmap, row.cells
        columns = {
            "address_1": "address_1",
            "address_2": "address_2",
            "city": "town",
            "postal_code": "postcode",
        }
        address = {k: c.get(cells, canon) for k, canon in columns.items()}
        own: dict[str, Any] = {"latitude": c.get(cells, "latitude"), "longitude": c.get(cells, "longitude")}
        own["addresses"] = [{k: v for k, v in address.items() if v}] if any(address.values()) else []
        locations = [own] if any(own.values()) else []
        for name in split_list(c.get(cells, "location_names")):
            found = self.locs.get(name) if self.locs else None
            if found is None and _key(name) in _REMOTE:  # "Online" is how it is delivered, not a venue
                data["delivery"] = "; ".join(filter(None, [data.get("delivery"), name]))
                continue
            if self.locs and found is None:
                self.missing["location"].append((name, row.line))
            if found is None or self.locs is None:
                if locations and "name" not in locations[0] and not self.locs:
                    locations[0]["name"] = name  # the row's own address is this venue's
                else:
                    locations.append({"name": name})
                continue
            lc = self.locs.cmap
            loc: dict[str, Any] = {
                k: lc.get(found.cells, k) for k in ("id", "name", "description", "latitude", "longitude")
            }
            addr = {k: lc.get(found.cells, k) for k in ("address_1", "address_2", "city", "postal_code")}
            loc["addresses"] = [{k: v for k, v in addr.items() if v}] if any(addr.values()) else []
            locations.append(loc)
            if phone := lc.get(found.cells, "phone"):
                data["phones"].append({"number": phone, "description": loc["name"]})
        if access := c.get(cells, "accessibility"):
            if locations:
                locations[0]["accessibility"] = [{"description": access}]
            else:
                data["extras"]["accessibility"] = access
        return [{"location": {k: v for k, v in loc.items() if v}} for loc in locations]

    def _schedules(self, row: Row) -> list[dict[str, str]]:
        entries, bad = parse_opening_times(self.cmap.get(row.cells, "opening_times"))
        if bad:
            why = (
                f"opening_times part(s) not understood, kept as notes: {'; '.join(bad)}. "
                "Write parts like 'Tue 10:00-12:00; Mon-Fri 09:00-17:00'"
            )
            self.result.warnings.append(ReadProblem(self.table.name, self.table.locator(row), why))
            entries += [{"description": part} for part in bad]
        if notes := self.cmap.get(row.cells, "opening_notes"):
            entries.append({"description": notes})
        return entries
