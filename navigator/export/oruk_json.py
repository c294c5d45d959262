"""The directory as one ORUK 3.0 list page of fully nested services (what `GET /oruk/services/{id}`
answers, for every listing), which Navigator and other ORUK consumers can import.

Beyond the API, an export carries what a faithful re-import needs: the publisher's own
`last_modified` (the API says when Navigator last changed the listing instead), and the listing's
extras as top-level fields (source fields with no ORUK home, which our ORUK reader keeps as extras
again). An extra whose name ORUK already uses, or that would make the file look like ORUK v1, is
left out. Hidden-address listings carry no extras (a free column can hold anything).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from navigator.export.files import atomic_file
from navigator.ingest.readers.oruk_common import PERSONAL_FIELDS
from navigator.ingest.readers.oruk_json import _V1_SIGNS
from navigator.ingest.readers.oruk_v3_mapping import PLACED
from navigator.oruk.api import Listing
from navigator.oruk.service import iso_utc, service_object

_RESERVED = PLACED | PERSONAL_FIELDS | _V1_SIGNS | {"fees_description", "extras", "geo_precision"}


def export_object(item: Listing) -> dict[str, Any]:
    record = item.record
    obj = service_object(
        record,
        item.ids,
        status=item.row.status,
        last_modified=iso_utc(record.last_modified),
        exact_positions_only=True,
    )
    if item.ids.hidden:
        return obj
    for key, value in record.extras.items():
        if key == "funding":
            obj["funding"] = [
                {"id": item.ids.child("funding", 0), "service_id": item.ids.service, "source": value}
            ]
        elif key not in _RESERVED and key not in obj and not key.startswith("pc_"):
            obj[key] = value
    return obj


def write(items: Iterable[Listing], total: int, path: Path | None, out: IO[str] | None = None) -> int:
    """Write the page to `path` atomically (or to `out`); one service per line. Returns the count."""

    def emit(handle: IO[str]) -> int:
        head = {
            "total_items": total,
            "total_pages": 1 if total else 0,
            "page_number": 1,
            "size": total,
            "first_page": True,
            "last_page": True,
            "empty": total == 0,
        }
        handle.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "contents": [')
        written = 0
        for item in items:
            handle.write(",\n" if written else "\n")
            handle.write(json.dumps(export_object(item), ensure_ascii=False))
            written += 1
        handle.write("\n]}\n")
        if written != total:  # listings changed while writing: the header must not lie
            raise RuntimeError(f"expected {total} listings but wrote {written}; run the export again")
        return written

    if path is None:
        assert out is not None
        return emit(out)
    with atomic_file(path) as handle:
        return emit(handle)
