"""The directory as an HSDS 3.0 / ORUK CSV data package: `datapackage.json` and one CSV per table,
named as the UK profile names them, with the same ids as the ORUK API.

Services carry three Navigator columns HSDS has no field for (`is_free`, `delivery_modes`,
`hide_exact_address`) and one column per extra. Values are written verbatim: this is a data
interchange format, not a spreadsheet for people, so no cell is altered against formula injection
(use the spreadsheet export for that). Hidden addresses are withheld, as everywhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from navigator.export.files import atomic_file, atomic_folder, write_synced
from navigator.oruk.api import Listing
from navigator.oruk.service import iso_utc, phone_object, service_object
from navigator.oruk.taxonomy import term_object

SERVICE_COLUMNS = (
    "id", "organization_id", "name", "alternate_name", "description", "url", "email", "status", "fees",
    "accreditations", "alert", "assured_date", "last_modified", "minimum_age", "maximum_age",
    "eligibility_description", "is_free", "delivery_modes", "hide_exact_address",
)  # fmt: skip
TABLES: dict[str, tuple[str, ...]] = {
    "services": SERVICE_COLUMNS,
    "organizations": ("id", "name", "description", "email", "website", "logo"),
    "locations": ("id", "location_type", "name", "description", "latitude", "longitude", "geo_precision"),
    "service_at_location": ("id", "service_id", "location_id"),
    "address": ("id", "location_id", "address_1", "address_2", "city", "region", "state_province",
                "postal_code", "country", "address_type"),
    "accessibility": ("id", "location_id", "description", "details", "url"),
    "phones": ("id", "service_id", "contact_id", "number", "description"),
    "contacts": ("id", "service_id", "name", "title", "email"),
    "schedule": ("id", "service_id", "freq", "interval", "byday", "bymonthday", "opens_at", "closes_at",
                 "valid_from", "valid_to", "description", "notes"),
    "languages": ("id", "service_id", "name", "code"),
    "cost_options": ("id", "service_id", "option", "amount", "amount_description"),
    "service_areas": ("id", "service_id", "name", "service_area", "extent", "extent_type", "uri"),
    "taxonomies": ("id", "name", "description"),
    "taxonomy_terms": ("id", "name", "code", "taxonomy", "taxonomy_id", "parent_id", "description"),
    "attribute": ("id", "link_id", "link_type", "link_entity", "taxonomy_term_id"),
}  # fmt: skip
_TYPES = {
    **dict.fromkeys(("latitude", "longitude", "amount", "minimum_age", "maximum_age", "interval"), "number"),
    **dict.fromkeys(("is_free", "hide_exact_address"), "boolean"),
    **dict.fromkeys(("assured_date", "valid_from", "valid_to"), "date"),
    "last_modified": "datetime",
}
_CHILD_TABLES = (
    ("schedule", "schedules"),
    ("languages", "languages"),
    ("cost_options", "cost_options"),
    ("service_areas", "service_areas"),
)
# What the HSDS reader would take for a column of its own (names as it folds them).
_RESERVED = {*SERVICE_COLUMNS, "program_id", "fees_description"}


class Package:
    """Rows of every table, gathered listing by listing; shared rows (organisations, locations,
    taxonomy terms) once each, first listing wins."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.extra_columns: dict[str, None] = {}
        self._seen: set[tuple[str, str]] = set()

    def _once(self, table: str, row: dict[str, Any]) -> None:
        if (table, row["id"]) not in self._seen:
            self._seen.add((table, row["id"]))
            self.rows[table].append(row)

    def add(self, item: Listing) -> None:
        record, ids = item.record, item.ids
        obj = service_object(
            record,
            ids,
            status=item.row.status,
            last_modified=iso_utc(record.last_modified),
            exact_positions_only=True,
        )
        sid = ids.service
        service = {k: obj.get(k) for k in SERVICE_COLUMNS}
        service["delivery_modes"] = "; ".join(record.delivery_modes)
        service["hide_exact_address"] = ids.hidden
        if not ids.hidden:
            for key, value in record.extras.items():
                column = extra_column(key)
                self.extra_columns.setdefault(column)
                service[column] = value
        self.rows["services"].append(service)
        if "organization" in obj:
            self._once("organizations", obj["organization"])
        for link in obj["service_at_locations"]:
            location = link["location"]
            self.rows["service_at_location"].append({k: link[k] for k in ("id", "service_id", "location_id")})
            if (("locations", location["id"])) in self._seen:
                continue
            self._once("locations", location)
            self.rows["address"].extend(location["addresses"])
            self.rows["accessibility"].extend(location["accessibility"])
        # HSDS readers put an extension into the description; keep it in the number as people dial it.
        for i, phone in enumerate(record.phones):
            self.rows["phones"].append(
                phone_object(phone, ids.child("phone", i), service_id=sid)
                | {"number": phone.display or phone.number}
            )
        for contact in obj["contacts"]:
            self.rows["contacts"].append(contact)
            self.rows["phones"].extend(contact["phones"])
        for table, key in _CHILD_TABLES:
            self.rows[table].extend(obj[key])
        for attribute, term in zip(obj["attributes"], record.taxonomy_terms, strict=True):
            self.rows["attribute"].append(attribute)
            self._once("taxonomies", {"id": attribute["taxonomy_term"]["taxonomy_id"], "name": term.taxonomy})
            self._once("taxonomy_terms", term_object(term))

    def tables(self) -> dict[str, tuple[tuple[str, ...], list[dict[str, Any]]]]:
        out = {name: (columns, self.rows[name]) for name, columns in TABLES.items()}
        out["services"] = ((*SERVICE_COLUMNS, *self.extra_columns), self.rows["services"])
        return out


def extra_column(name: str) -> str:
    folded = re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")
    return f"extra_{folded}" if folded in _RESERVED or not folded else name


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_text(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def descriptor(package: Package) -> dict[str, Any]:
    resources = []
    for name, (columns, _) in package.tables().items():
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": c, "type": _TYPES.get(c, "string")} for c in columns],
                    "primaryKey": "id",
                },
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "navigator-directory",
        "title": "Neighbourhood Navigator directory (Open Referral UK 3.0 / HSDS 3.0 tables)",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "resources": resources,
    }


def build(items: Iterable[Listing]) -> tuple[Package, int]:
    package = Package()
    count = 0
    for item in items:
        package.add(item)
        count += 1
    return package, count


def files(package: Package) -> dict[str, str]:
    """File name → text, datapackage.json first."""
    out = {"datapackage.json": json.dumps(descriptor(package), ensure_ascii=False, indent=2) + "\n"}
    out |= {f"{name}.csv": csv_text(columns, rows) for name, (columns, rows) in package.tables().items()}
    return out


def write_folder(items: Iterable[Listing], path: Path) -> int:
    package, count = build(items)
    with atomic_folder(path, "datapackage.json") as temp:
        for name, text in files(package).items():
            write_synced(temp / name, text)
    return count


def write_zip(items: Iterable[Listing], path: Path) -> int:
    package, count = build(items)
    with (
        atomic_file(path, mode="wb") as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name, text in files(package).items():
            archive.writestr(name, text)
    return count
