"""Helpers shared by the ORUK v1 and ORUK 3.0 mappings.

A mapping turns one source service object into the `RawRecord.data` shape documented in
`navigator/ingest/readers/base.py`. Values stay as found; these helpers only move them around,
drop absent ones (None, "", empty lists), and note what could not be placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Fields that hold a named person's email or identity in the feeds we know. Never imported,
# not even into extras: they are staff contact details, not listing content.
PERSONAL_FIELDS = frozenset({"assured_by", "assurer_email", "updated_by"})


@dataclass
class MapNotes:
    """What a mapping could not place: per-record warnings, and nested fields it did not import."""

    warnings: list[tuple[str, str]] = field(default_factory=list)  # (relative JSON path, reason)
    ignored: set[str] = field(default_factory=set)  # top-level field names with no home

    def warn(self, path: str, reason: str) -> None:
        self.warnings.append((path, reason))


def present(value: Any) -> bool:
    """False for the ways a JSON feed says 'nothing here'."""
    return value is not None and value != "" and value != [] and value != {}


def compact(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if present(value)}


def is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def as_text(value: Any) -> str:
    """A scalar as extras wants it: JSON spelling for booleans, str() otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def objects(value: Any, path: str, notes: MapNotes) -> list[tuple[str, dict[str, Any]]]:
    """The dict items of a list (or a lone dict), each with its JSON path; other items are noted."""
    if not present(value):
        return []
    if isinstance(value, dict):
        return [(path, value)]
    if not isinstance(value, list):
        notes.warn(path, f"expected a list of objects, found {type_name(value)}; skipped")
        return []
    found = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            found.append((f"{path}[{index}]", item))
        elif present(item):
            notes.warn(f"{path}[{index}]", f"expected an object, found {type_name(item)}; skipped")
    return found


def type_name(value: Any) -> str:
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def first_present(*values: Any) -> Any:
    return next((value for value in values if present(value)), None)


def organization(org: Any, path: str, notes: MapNotes) -> dict[str, Any] | None:
    """ORUK v1 calls the website `url`; 3.0 calls it `website`. Both land in `website`."""
    if not present(org):
        return None
    if not isinstance(org, dict):
        notes.warn(path, f"expected an object, found {type_name(org)}; skipped")
        return None
    return (
        compact(
            {
                "id": org.get("id"),
                "name": org.get("name"),
                "description": org.get("description"),
                "email": org.get("email"),
                "website": first_present(org.get("website"), org.get("url")),
                "logo": org.get("logo"),
            }
        )
        or None
    )


def address(addr: dict[str, Any]) -> dict[str, Any]:
    keys = ("address_1", "address_2", "city", "region", "state_province", "postal_code", "country")
    return compact({key: addr.get(key) for key in keys})


def phones(value: Any, path: str, notes: MapNotes) -> list[dict[str, Any]]:
    """Phone objects (or bare numbers) as `{number, description}`. An extension is appended the way
    people write it ("... ext. 12") so the phone parser can still read it."""
    found: list[dict[str, Any]] = []
    items = value if isinstance(value, list) else [value] if present(value) else []
    for index, item in enumerate(items):
        where = f"{path}[{index}]" if isinstance(value, list) else path
        if is_scalar(item) and present(item):
            found.append({"number": item})
        elif isinstance(item, dict):
            number, extension = item.get("number"), item.get("extension")
            if not present(number):
                notes.warn(where, "phone has no number; skipped")
                continue
            if present(extension):
                number = f"{number} ext. {extension}"
            description = first_present(item.get("description"), item.get("type"))
            found.append(compact({"number": number, "description": description}))
        elif present(item):
            notes.warn(where, f"expected a phone, found {type_name(item)}; skipped")
    return found


def contact(item: dict[str, Any], path: str, notes: MapNotes) -> dict[str, Any]:
    return compact(
        {
            "name": item.get("name"),
            "title": item.get("title"),
            "email": item.get("email"),
            "phones": phones(item.get("phones"), f"{path}.phones", notes),
        }
    )


def cost_option(item: dict[str, Any]) -> dict[str, Any]:
    return compact(
        {
            "option": item.get("option"),
            "amount": item.get("amount"),
            "amount_description": item.get("amount_description"),
        }
    )


def languages(value: Any, path: str, notes: MapNotes) -> list[Any]:
    """v1 `{language}`, 3.0 `{name, code}`, or bare strings; an entry with only an id is dropped."""
    found: list[Any] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str) and present(item):
                found.append(item)
            elif isinstance(item, dict):
                entry = compact(
                    {"name": first_present(item.get("name"), item.get("language")), "code": item.get("code")}
                )
                if entry:
                    found.append(entry)
            elif present(item):
                notes.warn(f"{path}[{index}]", f"expected a language, found {type_name(item)}; skipped")
    elif isinstance(value, str) and present(value):
        found.append(value)
    return found


def service_areas(value: Any, path: str, notes: MapNotes) -> list[Any]:
    """v1 names the area in `service_area`; 3.0 in `name` (the UK profile sends both)."""
    found: list[Any] = []
    items = value if isinstance(value, list) else [value] if present(value) else []
    for index, item in enumerate(items):
        if isinstance(item, str) and present(item):
            found.append(item)
        elif isinstance(item, dict):
            entry = compact(
                {
                    "name": first_present(item.get("name"), item.get("service_area")),
                    "extent": item.get("extent"),
                    "extent_type": item.get("extent_type"),
                    "uri": item.get("uri"),
                }
            )
            if entry:
                found.append(entry)
        elif present(item):
            notes.warn(f"{path}[{index}]", f"expected a service area, found {type_name(item)}; skipped")
    return found


def extras_from(source: dict[str, Any], keys: set[str] | frozenset[str], prefix: str = "") -> dict[str, str]:
    """Scalar fields of `source` that are not in `keys` (already placed), as strings.

    Non-scalar leftovers are not kept; the caller reports them per file.
    """
    return {
        f"{prefix}{key}": as_text(value)
        for key, value in source.items()
        if key not in keys and key not in PERSONAL_FIELDS and is_scalar(value) and present(value)
    }


def leftover_structures(source: dict[str, Any], keys: set[str] | frozenset[str]) -> set[str]:
    """Names of non-scalar fields of `source` that no mapping placed."""
    return {
        key
        for key, value in source.items()
        if key not in keys and key not in PERSONAL_FIELDS and not is_scalar(value) and present(value)
    }


def joined(*values: Any) -> str | None:
    """Distinct non-empty wordings joined with '; ' (for `delivery`, `eligibility_description`)."""
    seen: list[str] = []
    for value in values:
        if present(value) and is_scalar(value) and as_text(value) not in seen:
            seen.append(as_text(value))
    return "; ".join(seen) or None
