"""Read an HSDS 1.x–3.0 CSV data package (a folder with datapackage.json and one CSV per table).

Every linked table is joined onto its services through dicts keyed by id, so a package with tens
of thousands of link rows reads in a second or two. A link row reaches services by the most
specific id it carries: service_id / service_at_location_id, else location_id (every service
there), else organization_id (phones only). HSDS 1.x schedules (one row per weekday) are folded
into one entry per opening pattern (byday "MO,TU,WE", opens_at, closes_at); their `original_text`
is kept once as the description.

Deliberately not read: contacts.csv and phones tied to a contact (named staff with their own
emails and numbers: personal data a public directory should not hold), postal addresses,
holiday schedules, funding, programs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from navigator.ingest.readers.base import FileUnreadable, RawRecord, ReadProblem, ReadResult
from navigator.ingest.readers.hsds_tables import Row, Rows, load_tables, package_of, read_descriptor
from navigator.ingest.readers.tabular import DEFAULT_MAX_BYTES, counted, describe_lines

_SERVICE_FIELDS = {
    **{f: f for f in ("id", "name", "alternate_name", "description", "url", "email", "status", "fees")},
    **{f: f for f in ("accreditations", "alert", "assured_date", "last_modified", "minimum_age")},
    **{f: f for f in ("maximum_age", "eligibility_description")},
    "fees_description": "fees",
    # Navigator's own additions, written by its HSDS export so a refuge stays hidden on re-import.
    "hide_exact_address": "hide_exact_address",
    "is_free": "free",
    "delivery_modes": "delivery",
}
_JOIN_COLUMNS = frozenset({"organization_id", "program_id"})
_WEEK = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# weekday as a name, a three-letter abbreviation, or a number (ISO: 1 = Monday; 0 or 7 = Sunday)
_DAYS = dict(zip(_DAY_NAMES, _WEEK, strict=True)) | {n[:3]: c for n, c in zip(_DAY_NAMES, _WEEK, strict=True)}
_DAYS |= {str(i + 1): c for i, c in enumerate(_WEEK)} | {"0": "SU"}
_SCHEDULE_FIELDS = (
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
)


class HsdsCsvReader:
    format_name = "hsds-csv"

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes

    def sniff(self, path: Path) -> bool:
        """A folder with datapackage.json, the descriptor itself, or one CSV table of a package."""
        if path.is_dir():
            return (path / "datapackage.json").is_file()
        return path.name.lower() == "datapackage.json" or package_of(path) is not None

    def read(self, path: Path) -> ReadResult:
        """Read the whole package, given its folder, its datapackage.json or any one of its tables."""
        descriptor_path = path / "datapackage.json" if path.is_dir() else (package_of(path) or path)
        descriptor = read_descriptor(descriptor_path)
        result = ReadResult()
        tables = load_tables(descriptor_path.parent, descriptor, self.max_bytes, result)
        if "services" not in tables:
            raise FileUnreadable(
                str(descriptor_path),
                "no services table: an HSDS package needs services.csv, listed in the datapackage.json "
                "resources or beside it (or in its data/ folder)",
            )
        _Package(tables, result).build()
        return result


def text(value: str) -> str:
    """Turn literal backslash-n sequences (an export artefact, e.g. Miami 211) into real newlines."""
    return value.replace("\\r\\n", "\n").replace("\\n", "\n") if "\\" in value else value


@dataclass
class _Link:
    """Resolves one link table's rows to services and remembers the rows that reached none."""

    table: str
    no_id: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)

    def targets(self, line: int, row: Row, pkg: _Package, orgs: bool) -> list[str]:
        direct = [row.get("service_id", ""), pkg.sal_service.get(row.get("service_at_location_id", ""), "")]
        if row.get("service_id") or row.get("service_at_location_id"):
            found = list(dict.fromkeys(s for s in direct if s in pkg.services))
        elif row.get("location_id"):
            found = pkg.location_services.get(row["location_id"], [])
        elif orgs and row.get("organization_id"):
            found = pkg.org_services.get(row["organization_id"], [])
        else:
            self.no_id.append(line)
            return []
        if not found:
            self.unknown.append(line)
        return found

    def warnings(self) -> list[ReadProblem]:
        out = []
        if self.no_id:
            why = (
                counted(len(self.no_id), "row has no service_id and was", "rows have no service_id and were")
                + " not used"
            )
            out.append(ReadProblem(self.table, describe_lines(self.no_id, 5), why))
        if self.unknown:
            why = counted(len(self.unknown), "row points", "rows point") + " at no known service; not used"
            out.append(ReadProblem(self.table, describe_lines(self.unknown, 5), why))
        return out


class _Package:
    """The joins, built once: every index is a dict, so each link row costs O(1)."""

    def __init__(self, tables: dict[str, Rows], result: ReadResult) -> None:
        self.t = tables
        self.result = result
        self.services: dict[str, dict[str, Any]] = {}
        self.sal_service: dict[str, str] = {}
        self.location_services: dict[str, list[str]] = defaultdict(list)
        self.org_services: dict[str, list[str]] = defaultdict(list)

    def rows(self, name: str) -> list[tuple[int, Row]]:
        return self.t[name].rows if name in self.t else []

    def build(self) -> None:
        self._services()
        self._organizations()
        self._locations()
        self._attach("phones", _phone, orgs=True)
        self._attach("schedules", _schedule)
        self._attach(
            "languages", lambda r: {"name": r.get("language") or r.get("name"), "code": r.get("code")}
        )
        self._attach("cost_options", lambda r: _pick(r, "option", "amount", "amount_description"))
        self._attach("service_areas", _area)
        self._attach("eligibility", lambda r: {"text": r.get("eligibility") or r.get("description")})
        self._taxonomy()
        name = self.t["services"].name
        for data in self.services.values():
            line = data.pop("_line")
            rules = [e["text"] for e in data.pop("eligibility", [])]
            data["eligibility_description"] = "\n".join(
                filter(None, [data.get("eligibility_description"), *rules])
            )
            data["schedules"] = _fold_schedules(data.get("schedules", []))
            data = _drop_empty(data)
            self.result.records.append(RawRecord(name, f"{name} line {line}", data))

    def _services(self) -> None:
        name = self.t["services"].name
        first: dict[str, int] = {}
        for line, row in self.rows("services"):
            sid = row.get("id", "")
            if not sid or sid in first:
                why = f"duplicate id {sid} (first at line {first[sid]})" if sid else "service has no id"
                self.result.problems.append(ReadProblem(name, f"{name} line {line}", why))
                continue
            first[sid] = line
            data: dict[str, Any] = {"_line": line, "extras": {}}
            for column, value in row.items():
                if value and column in _SERVICE_FIELDS:
                    data[_SERVICE_FIELDS[column]] = value if column == "id" else text(value)
                elif value and column not in _JOIN_COLUMNS:
                    data["extras"][column] = text(value)
            self.services[sid] = data
            if row.get("organization_id"):
                self.org_services[row["organization_id"]].append(sid)

    def _organizations(self) -> None:
        orgs = {r["id"]: r for _, r in self.rows("organizations")}
        missing: list[int] = []
        for org_id, sids in self.org_services.items():
            org = orgs.get(org_id)
            for sid in sids:
                if org is None:
                    missing.append(self.services[sid]["_line"])
                    continue
                entry = {
                    "id": org_id,
                    "name": text(org.get("name", "")),
                    "description": text(org.get("description", "")),
                    "website": org.get("website") or org.get("url", ""),
                    **_pick(org, "email", "logo"),
                }
                self.services[sid]["organization"] = _drop_empty(entry)
        if missing:
            why = (
                counted(len(missing), "service names", "services name")
                + " an organization_id not in the organizations table"
            )
            missing.sort()
            self.result.warnings.append(ReadProblem(self.t["services"].name, describe_lines(missing, 5), why))

    def _locations(self) -> None:
        addresses: dict[str, list[dict[str, str]]] = defaultdict(list)
        for _, r in self.rows("addresses"):
            if r.get("location_id") and r.get("address_type", "").lower() in ("", "physical"):
                address_2 = ", ".join(filter(None, (r.get(f"address_{i}") for i in (2, 3, 4))))
                fields = ("address_1", "city", "region", "state_province", "postal_code", "country")
                addresses[r["location_id"]].append(_pick(r, *fields) | _drop_empty({"address_2": address_2}))
        access: dict[str, list[dict[str, str]]] = defaultdict(list)
        for _, r in self.rows("accessibility"):
            entry = _drop_empty({"description": r.get("accessibility") or r.get("description")})
            if r.get("location_id") and (entry := entry | _pick(r, "details", "url")):
                access[r["location_id"]].append({k: text(v) for k, v in entry.items()})
        locations: dict[str, dict[str, Any]] = {}
        for _, r in self.rows("locations"):
            loc: dict[str, Any] = {"id": r["id"], **_pick(r, "location_type", "latitude", "longitude")}
            loc |= {"name": text(r.get("name", "")), "description": text(r.get("description", ""))}
            loc |= {"addresses": addresses.get(r["id"], []), "accessibility": access.get(r["id"], [])}
            locations[r["id"]] = _drop_empty(loc)
        link = _Link(self.t["service_at_location"].name) if "service_at_location" in self.t else None
        for line, r in self.rows("service_at_location"):
            sid, loc_id = r.get("service_id", ""), r.get("location_id", "")
            if link and sid not in self.services:
                (link.unknown if sid else link.no_id).append(line)
            if sid not in self.services or not loc_id:
                continue
            if r.get("id"):
                self.sal_service[r["id"]] = sid
            if sid not in self.location_services[loc_id]:
                self.location_services[loc_id].append(sid)
                if loc_id in locations:
                    self.services[sid].setdefault("service_at_locations", []).append(
                        {"location": locations[loc_id]}
                    )
        self.result.warnings.extend(link.warnings() if link else [])

    def _attach(self, table: str, make: Callable[[Row], dict[str, Any] | None], orgs: bool = False) -> None:
        """Join a link table's rows onto the services they reach, each entry once per service."""
        if table not in self.t:
            return
        link = _Link(self.t[table].name)
        for line, row in self.t[table].rows:
            entry = _drop_empty(
                {k: text(v) if isinstance(v, str) else v for k, v in (make(row) or {}).items()}
            )
            if not entry:
                continue
            for sid in link.targets(line, row, self, orgs):
                bucket = self.services[sid].setdefault(table, [])
                if entry not in bucket:
                    bucket.append(entry)
        self.result.warnings.extend(link.warnings())

    def _taxonomy(self) -> None:
        vocab = {r["id"]: r.get("name", "") for _, r in self.rows("taxonomy")}
        term_table = "taxonomy_terms" if "taxonomy_terms" in self.t else "taxonomy"
        terms: dict[str, dict[str, str]] = {}
        for _, r in self.rows(term_table):
            taxonomy = r.get("vocabulary") or r.get("taxonomy") or vocab.get(r.get("taxonomy_id", ""), "")
            entry = {"term": r.get("name", ""), "code": r.get("code") or r["id"], "taxonomy": taxonomy}
            terms[r["id"]] = _drop_empty(entry | {"parent": r.get("parent_name") or r.get("parent_id")})
        if "service_taxonomy" not in self.t:
            return
        link = _Link(self.t["service_taxonomy"].name)
        unknown: list[int] = []
        for line, r in self.rows("service_taxonomy"):
            if r.get("link_entity", "service").lower() not in ("", "service"):
                continue  # HSDS 3 attributes can tag organisations, locations...
            row = r if "service_id" in r else {**r, "service_id": r.get("link_id", "")}
            targets = link.targets(line, row, self, False)
            term = terms.get(r.get("taxonomy_id") or r.get("taxonomy_term_id") or "")
            if targets and not (term and term.get("term")):
                unknown.append(line)
                continue
            for sid in targets:
                bucket = self.services[sid].setdefault("taxonomy_terms", [])
                if term not in bucket:
                    bucket.append(term)
        self.result.warnings.extend(link.warnings())
        if unknown:
            why = (
                counted(len(unknown), "row names a taxonomy term", "rows name taxonomy terms")
                + f" not in {term_table}"
            )
            self.result.warnings.append(ReadProblem(link.table, describe_lines(unknown, 5), why))


def _phone(r: Row) -> dict[str, str] | None:
    if r.get("contact_id") or not r.get("number"):
        return None  # a named person's own number stays out, like contacts.csv
    kind = r.get("type", "") if r.get("type", "").lower() != "voice" else ""  # "voice" is the default
    notes = [v for v in (r.get("description"), r.get("department"), kind) if v]
    if r.get("extension"):
        notes.append(f"ext. {r['extension']}")
    return {"number": r["number"], "description": "; ".join(notes)}


def _area(r: Row) -> dict[str, str]:
    name = r.get("service_area") or r.get("name") or r.get("description", "")
    return {"name": name, **_pick(r, "extent", "extent_type", "uri")} if name else {}


def _schedule(r: Row) -> dict[str, str]:
    entry = _pick(r, *_SCHEDULE_FIELDS) | {"description": r.get("original_text") or r.get("description", "")}
    entry |= _pick(r, "notes")
    if r.get("weekday"):  # HSDS 1.x: one row per day; folded later
        entry["_day"] = _DAYS.get(r["weekday"].strip().lower(), r["weekday"])
        entry.setdefault("freq", "WEEKLY")
    return entry


def _fold_schedules(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge per-weekday rows with the same hours into one entry; keep each description once."""
    folded: dict[tuple[tuple[str, Any], ...], list[str]] = {}
    out: list[dict[str, Any]] = []
    for entry in entries:
        if "_day" not in entry:
            out.append(entry)
            continue
        rest = tuple(sorted((k, v) for k, v in entry.items() if k != "_day"))
        if rest not in folded:
            folded[rest] = []
            out.append({"_key": rest})
        folded[rest].append(entry["_day"])
    seen: set[str] = set()
    result = []
    for entry in out:
        if "_key" in entry:
            days = folded[entry["_key"]]
            order = sorted(days, key=lambda d: _WEEK.index(d) if d in _WEEK else len(_WEEK))
            entry = dict(entry["_key"]) | {"byday": ",".join(dict.fromkeys(order))}
        if entry.get("description") in seen:
            entry = {k: v for k, v in entry.items() if k != "description"}
        seen.add(entry.get("description", ""))
        result.append(entry)
    return result


def _pick(row: Row, *names: str) -> dict[str, str]:
    return {n: row[n] for n in names if row.get(n)}


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}
