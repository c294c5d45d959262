"""Listings as the Navigator spreadsheet template (docs/spreadsheet-template.md): one row per
service, CSV (UTF-8 with a byte-order mark, as Excel's "CSV UTF-8" writes) or XLSX.

Each cell is what the template reader turns back into the same field. Where a listing holds more than
one row can say, the first wins: the first location's address, the first accessibility note. The
listing's extras follow the template columns, one column each, so nothing the curator imported is
lost; an extra whose name the reader would take for a template column is written as "extra: NAME".

Cells that could start a formula are neutralised (see cells.py). Coordinates are written only
when the source gave them: ones Navigator worked out from the postcode come back from the postcode.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from navigator.export.files import atomic_file
from navigator.export.opening_times import render
from navigator.ingest import record as rec
from navigator.ingest.clean.text import clean_text
from navigator.ingest.readers.spreadsheet_columns import SERVICE_ALIASES, TEMPLATE_COLUMNS, split_list
from navigator.ingest.readers.tabular import header_key
from navigator.oruk.api import Listing
from navigator.oruk.privacy import withhold_location
from navigator.util.cells import neutralise

_TAKEN = {header_key(n) for canon, names in SERVICE_ALIASES.items() for n in (canon, *names)}


def extra_column(name: str) -> str:
    """The column an extra is written under: its own name unless the reader would misread it."""
    key = header_key(name)
    if key in _TAKEN or key.endswith("only") or not key:
        return f"extra: {name}"
    return name


def row_for(item: Listing) -> dict[str, str]:
    """One listing as template cells (not yet neutralised)."""
    r = item.record
    loc = r.locations[0] if r.locations else None
    if loc is not None and item.ids.hidden:
        loc = withhold_location(loc)
    address = loc.addresses[0] if loc is not None and loc.addresses else None
    opening_times, opening_notes = render(r.schedules)
    org = r.organization.name if r.organization else ""
    extras = {} if item.ids.hidden else dict(r.extras)
    for key, value in list(extras.items()):
        # A multi-organisation cell the reader kept whole: it goes back in its own column.
        names = split_list(value)
        # The stored name is the first one as the import tidied it ("Age  UK" → "Age UK").
        first = clean_text(names[0], single_line=True) if names else None
        if header_key(key) in _organisation_keys() and len(names) > 1 and org and first == org:
            org = value
            del extras[key]
    cells = {
        "service_id": item.ids.service,
        "service_name": r.name,
        "organisation": org,
        "description": r.description,
        "website": r.url,
        "email": r.email,
        "phone": "; ".join(dict.fromkeys(p.display or p.number for p in _phones(r))),
        "address_1": address.address_1 if address else None,
        "address_2": address.address_2 if address else None,
        "town": address.city if address else None,
        "postcode": address.postal_code if address else None,
        "latitude": _number(loc.latitude) if loc and loc.geo_precision == "source" else None,
        "longitude": _number(loc.longitude) if loc and loc.geo_precision == "source" else None,
        "opening_times": opening_times,
        "opening_notes": opening_notes,
        "cost": r.fees or _cost_words(r.cost_options),
        "free": {True: "yes", False: "no", None: ""}[r.is_free],
        "min_age": _number(r.eligibility.minimum_age) if r.eligibility else None,
        "max_age": _number(r.eligibility.maximum_age) if r.eligibility else None,
        "eligibility": r.eligibility.description if r.eligibility else None,
        "categories": _categories([t.term for t in r.taxonomy_terms]),
        "delivery": "; ".join(mode.replace("_", " ") for mode in r.delivery_modes),
        "languages": "; ".join(lang.name for lang in r.languages),
        "service_area": "; ".join(area.name for area in r.service_areas),
        "status": item.row.status,
        "last_verified": r.assured_date.isoformat() if r.assured_date else None,
        "accessibility": _accessibility(loc, extras),
        "hide_exact_address": "yes" if item.ids.hidden else "no",
    }
    row = {column: cells[column] or "" for column in TEMPLATE_COLUMNS}
    row.update({extra_column(k): v for k, v in extras.items()})
    return row


def _phones(r: rec.ServiceRecord) -> list[rec.Phone]:
    """The service's numbers, then its contacts' (the template has no contacts; numbers matter most)."""
    return [*r.phones, *(p for contact in r.contacts for p in contact.phones)]


def _cost_words(options: list[rec.CostOption]) -> str:
    words = []
    for option in options:
        amount = f"£{option.amount:,.2f}".replace(".00", "") if option.amount else ""
        text = option.amount_description or " ".join(filter(None, [option.option, amount]))
        if text and text not in words:
            words.append(text)
    return "; ".join(words)


def _organisation_keys() -> set[str]:
    return {header_key(n) for n in ("organisation", *SERVICE_ALIASES["organisation"])}


def _number(value: float | int | None) -> str | None:
    """Ages as "60", coordinates as Python writes floats ("51.0722"): read back exactly."""
    if value is None:
        return None
    return str(value) if isinstance(value, int) else repr(float(value))


def _categories(terms: list[str]) -> str:
    text = "; ".join(terms)
    # One term with a comma in it would be split on the comma: a trailing ";" says "not a list".
    return text + ";" if len(terms) == 1 and "," in text else text


def _accessibility(loc: Any, extras: dict[str, str]) -> str | None:
    if loc is not None and loc.accessibility:
        return loc.accessibility[0].description
    if loc is None and "accessibility" in extras:  # the reader keeps it here when there is no venue
        return extras.pop("accessibility")
    return None


def header(rows: list[dict[str, str]]) -> list[str]:
    extra = list(dict.fromkeys(k for row in rows for k in row if k not in TEMPLATE_COLUMNS))
    return [*TEMPLATE_COLUMNS, *extra]


def write_csv(items: Iterable[Listing], path: Path | None, out: IO[str] | None = None) -> int:
    """Write the CSV to `path` atomically (or to `out`); returns the number of rows."""
    rows = [row_for(item) for item in items]
    columns = header(rows)

    def emit(handle: IO[str]) -> None:
        handle.write("\ufeff")
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(row.get(c, "")) for c in columns])

    if path is None:
        assert out is not None
        emit(out)
    else:
        with atomic_file(path, newline="") as handle:
            emit(handle)
    return len(rows)


def write_xlsx(items: Iterable[Listing], path: Path) -> int:
    """Write the workbook atomically: one sheet, "services", every cell a string marked as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = [row_for(item) for item in items]
    columns = header(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("services")
    bold = Font(bold=True)
    head = []
    for name in columns:
        cell = _text_cell(sheet, name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_text_cell(sheet, row.get(c, "")) for c in columns])
    with atomic_file(path, mode="wb") as handle:
        book.save(handle)
    return len(rows)


def _text_cell(sheet: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # XML cannot hold most control characters (a stray \x0b in an imported free column): they go,
    # rather than the whole workbook failing with IllegalCharacterError. The CSV keeps them.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if value:
        cell.quotePrefix = True
    return cell
