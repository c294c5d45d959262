"""Open Referral UK JSON reader: ORUK v1 (HSDS-UK 1.0) and ORUK 3.0 (HSDS 3.0 UK profile).

Accepts a list of services, a page envelope (`content`, `contents`, `items` or `data` holding the
list) or a single service object. Which ORUK version a file is gets decided once per file from the
fields it uses; the mapping for that version turns each service into the `RawRecord.data` shape
(see readers/base.py). Values stay as found: cleaning is the normaliser's job.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from navigator.ingest.readers import oruk_v1_mapping, oruk_v3_mapping
from navigator.ingest.readers.base import FileUnreadable, RawRecord, ReadProblem, ReadResult
from navigator.ingest.readers.jsonload import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, load_json
from navigator.ingest.readers.oruk_common import MapNotes, as_text, is_scalar, present, type_name

Mapper = Callable[[dict[str, Any], MapNotes], dict[str, Any]]

ENVELOPE_KEYS = ("contents", "content", "items", "data")
# Fields that only a service object has; one of them (or `name`) makes an object "a service".
SERVICE_FIELDS = (oruk_v1_mapping.PLACED | oruk_v3_mapping.PLACED) - {"id", "metadata"}
_V3_SIGNS = frozenset(
    {"attributes", "schedules", "last_modified", "alert", "minimum_age", "maximum_age", "funding",
     "eligibility_description", "alternate_name", "assurer_email", "fees_description"}
)  # fmt: skip
_V1_SIGNS = frozenset(
    {"regular_schedules", "holiday_schedules", "service_taxonomys", "eligibilitys", "fundings",
     "deliverable_type", "attending_type", "attending_access", "reviews"}
)  # fmt: skip
_SAMPLE = 50  # services looked at to decide the version; feeds are uniform within a file
_WHOLE_FILE = "$"
_NOT_SERVICES = (
    "not an Open Referral service list: {detail}. Expected a list of service objects, a page such as "
    '{{"content": [...]}} or {{"contents": [...]}}, or a single service object'
)


class OrukJsonReader:
    """Reads one ORUK JSON file. `format_name` is what `--format` calls it."""

    format_name = "oruk"

    def __init__(self, max_bytes: int | None = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    def sniff(self, path: Path) -> bool:
        """A .json file, or a file whose first non-space character opens a JSON list or object."""
        try:
            if not path.is_file() or path.name.lower() == "datapackage.json":  # HSDS CSV descriptor
                return False
            if path.suffix.lower() == ".json":
                return True
            with path.open("rb") as handle:
                head = handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
        except OSError:
            return False
        return head[:1] in (b"[", b"{")

    def read(self, path: Path) -> ReadResult:
        file = str(path)
        loaded = load_json(path, max_depth=self.max_depth, max_bytes=self.max_bytes)
        result = ReadResult()
        if loaded.encoding != "utf-8":
            where = f"byte {loaded.bad_utf8_offset}" if loaded.bad_utf8_offset is not None else _WHOLE_FILE
            result.warnings.append(
                ReadProblem(
                    file,
                    where,
                    f"the file is not UTF-8; read it as {_ENCODING_NAMES[loaded.encoding]}. "
                    "Check accented letters, '£' and quotes in the imported text",
                )
            )
        elements = find_services(loaded.value, file)
        version = detect_version(loaded.value, [e for _, e in elements])
        mapper: Mapper = oruk_v1_mapping.map_service if version == "1.0" else oruk_v3_mapping.map_service
        ignored: dict[str, tuple[int, str]] = {}
        first_seen: dict[str, str] = {}
        for locator, element in elements:
            problem = _element_problem(element, first_seen)
            if problem:
                result.problems.append(ReadProblem(file, locator, problem))
                continue
            record_id = as_text(element["id"])
            first_seen[record_id] = locator
            notes = MapNotes()
            data = {"id": record_id, **mapper(element, notes)}
            data.setdefault("extras", {})["oruk_version"] = version
            result.records.append(RawRecord(file=file, locator=locator, data=data))
            result.warnings.extend(ReadProblem(file, locator + where, why) for where, why in notes.warnings)
            for name in notes.ignored:
                count, first = ignored.get(name, (0, locator))
                ignored[name] = (count + 1, first)
        for name, (count, first) in sorted(ignored.items()):
            result.warnings.append(
                ReadProblem(file, first, f"field '{name}' is not imported (present in {count} service(s))")
            )
        if not elements:
            result.warnings.append(ReadProblem(file, _WHOLE_FILE, "the file holds no services"))
        return result


_ENCODING_NAMES = {"cp1252": "Windows-1252", "utf-16": "UTF-16"}


def find_services(value: Any, file: str) -> list[tuple[str, Any]]:
    """The service elements of a parsed file, each with its JSON-path locator.

    Raises FileUnreadable when the JSON is valid but is not a list of services.
    """
    if isinstance(value, dict):
        for key in ENVELOPE_KEYS:
            if isinstance(value.get(key), list):
                return _list_elements(value[key], f"$.{key}", file)
        if looks_like_service(value):
            return [("$", value)]
        keys = ", ".join(sorted(value)[:8]) or "no fields"
        detail = f"the top-level object has none of {', '.join(ENVELOPE_KEYS)} and no service fields ({keys})"
        raise FileUnreadable(file, _NOT_SERVICES.format(detail=detail), locator="$")
    if isinstance(value, list):
        return _list_elements(value, "$", file)
    raise FileUnreadable(file, _NOT_SERVICES.format(detail=f"the file holds {type_name(value)}"), locator="$")


def _list_elements(items: list[Any], base: str, file: str) -> list[tuple[str, Any]]:
    if items and not any(looks_like_service(item) for item in items):
        detail = f"{base}[0] is {type_name(items[0])}"
        if isinstance(items[0], dict):
            fields = ", ".join(sorted(items[0])[:8]) or "none"
            detail = f"no element has service fields such as id and name ({base}[0] has {fields})"
        raise FileUnreadable(file, _NOT_SERVICES.format(detail=detail), locator=base)
    return [(f"{base}[{index}]", item) for index, item in enumerate(items)]


def looks_like_service(value: Any) -> bool:
    """A dict with a `name`, or an `id` plus at least one other field only services have."""
    if not isinstance(value, dict):
        return False
    return "name" in value or ("id" in value and any(key in SERVICE_FIELDS for key in value))


def detect_version(value: Any, services: list[Any]) -> str:
    """'1.0' or '3.0', from the page envelope and the fields of the first services.

    A file with no telling fields at all maps the same either way; it is called 3.0, the current standard.
    """
    v1 = v3 = 0
    if isinstance(value, dict):
        v1 += 3 * sum(key in value for key in ("content", "totalElements", "totalPages"))
        v3 += 3 * sum(key in value for key in ("contents", "total_items", "page_number"))
    for service in services[:_SAMPLE]:
        if not isinstance(service, dict):
            continue
        v1 += sum(key in service for key in _V1_SIGNS) + any(key.startswith("pc_") for key in service)
        v3 += sum(key in service for key in _V3_SIGNS)
        links = service.get("service_at_locations")
        for item in links if isinstance(links, list) else []:  # junk here is the mapper's to report
            location = item.get("location") if isinstance(item, dict) else None
            if isinstance(location, dict):
                v1 += "physical_addresses" in location or "accessibility_for_disabilities" in location
                v3 += "addresses" in location or "location_type" in location
    return "1.0" if v1 > v3 else "3.0"


def _element_problem(element: Any, first_seen: dict[str, str]) -> str | None:
    """Why this list element cannot become a record, or None when it can."""
    if not isinstance(element, dict):
        return f"expected a service object, found {type_name(element)}"
    record_id = element.get("id")
    if not present(record_id):
        return "service has no id; every service needs an 'id' so a later import can update it"
    if not is_scalar(record_id) or isinstance(record_id, bool):
        return f"service id must be a string or number, found {type_name(record_id)}"
    record_id = as_text(record_id)
    if record_id in first_seen:
        return f"duplicate id {record_id} (first at {first_seen[record_id]}); this later copy was skipped"
    return None
