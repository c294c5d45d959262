"""Two listings side by side: the fields a merge chooses between, each shown as words, and which
side a merge takes by default (the more recently verified listing, else the more recently updated)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from navigator.curation.review.listing_form import cost_text
from navigator.curation.review.schedule_text import schedules_to_text
from navigator.ingest.record import ServiceRecord


@dataclass(frozen=True)
class MergeField:
    key: str
    label: str
    record_keys: tuple[str, ...]


MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("name", "Name", ("name", "alternate_name")),
    MergeField("organization", "Organisation", ("organization",)),
    MergeField("description", "Description", ("description",)),
    MergeField("url", "Website", ("url",)),
    MergeField("email", "Email", ("email",)),
    MergeField("contacts", "Phones and contacts", ("phones", "contacts")),
    MergeField("locations", "Address and venues", ("locations",)),
    MergeField("schedules", "Opening times", ("schedules",)),
    MergeField("cost", "Cost", ("fees", "cost_options", "is_free")),
    MergeField("eligibility", "Ages and who it is for", ("eligibility",)),
    MergeField("taxonomy_terms", "Categories", ("taxonomy_terms",)),
    MergeField("delivery_modes", "How it is delivered", ("delivery_modes",)),
    MergeField("languages", "Languages", ("languages",)),
    MergeField("service_areas", "Area served", ("service_areas",)),
    MergeField("hide_exact_address", "Hide exact address", ("hide_exact_address",)),
    MergeField("assured_date", "Last verified", ("assured_date",)),
)
MERGE_KEYS = {f.key: f for f in MERGE_FIELDS}


@dataclass
class FieldRow:
    key: str
    label: str
    a: str
    b: str
    same: bool
    default: str  # "a" or "b"


def newer_side(
    a: ServiceRecord, b: ServiceRecord, a_updated: datetime | None, b_updated: datetime | None
) -> str:
    """ "a" or "b": the one verified more recently; with equal dates, the one updated more recently."""
    da, db = a.assured_date or date.min, b.assured_date or date.min
    if da != db:
        return "a" if da > db else "b"
    return "b" if (b_updated or datetime.min) > (a_updated or datetime.min) else "a"


def field_rows(a: ServiceRecord, b: ServiceRecord, newer: str) -> list[FieldRow]:
    rows = []
    ja, jb = a.model_dump(mode="json"), b.model_dump(mode="json")
    for f in MERGE_FIELDS:
        same = all(ja[k] == jb[k] for k in f.record_keys)
        ta, tb = describe(a, f.key), describe(b, f.key)
        default = newer
        if f.key == "hide_exact_address" and (a.hide_exact_address or b.hide_exact_address):
            default = "a" if a.hide_exact_address else "b"  # showing a refuge's address is the worse error
        elif not same and (ta == "—") != (tb == "—"):
            default = "b" if ta == "—" else "a"  # a value beats no value
        rows.append(FieldRow(f.key, f.label, ta, tb, same, default))
    return rows


def describe(r: ServiceRecord, key: str) -> str:
    """One field of a record as a person reads it ("—" when empty)."""
    text = _describe(r, key)
    return text if text and text.strip() else "—"


def _describe(r: ServiceRecord, key: str) -> str | None:
    if key == "name":
        return r.name + (f" (also: {r.alternate_name})" if r.alternate_name else "")
    if key == "organization":
        return r.organization.name if r.organization else None
    if key == "contacts":
        phones = [p.display or p.number for p in r.phones]
        people = [
            ", ".join(filter(None, [c.name, c.title, c.email, *(p.display or p.number for p in c.phones)]))
            for c in r.contacts
        ]
        return "; ".join(filter(None, [*phones, *people]))
    if key == "locations":
        return "\n".join(_place(loc.model_dump()) for loc in r.locations)
    if key == "schedules":
        times, notes, _ = schedules_to_text(r.schedules)
        return "\n".join(filter(None, [times, notes]))
    if key == "cost":
        free = {True: "Free", False: "There is a charge", None: None}[r.is_free]
        return "; ".join(filter(None, [free, r.fees, *(cost_text(c) for c in r.cost_options)]))
    if key == "eligibility":
        e = r.eligibility
        if e is None:
            return None
        ages = _ages(e.minimum_age, e.maximum_age)
        return "; ".join(filter(None, [ages, e.description]))
    if key == "hide_exact_address":
        return "Yes, hidden" if r.hide_exact_address else "No"
    return _plain(getattr(r, key))


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        names = [getattr(v, "term", None) or getattr(v, "name", None) or str(v) for v in value]
        return "; ".join(n.replace("_", " ") for n in names)
    return str(value)


def _place(loc: dict[str, Any]) -> str:
    address = loc["addresses"][0] if loc["addresses"] else {}
    parts = [loc.get("name"), *(address.get(k) for k in ("address_1", "address_2", "city", "postal_code"))]
    return ", ".join(p for p in parts if p) or "(a venue with no address)"


def _ages(low: int | None, high: int | None) -> str | None:
    if low is None and high is None:
        return None
    if high is None:
        return f"ages {low}+"
    return f"ages {low or 0}–{high}"
