"""The listing editor's form: which fields it has, how a stored record is shown in them, and how
the submitted text becomes a raw ORUK-shaped record for the import normaliser.

The form speaks the spreadsheet template's language (docs/spreadsheet-template.md): lists separated
by ";", opening times like "Tue 10:00-12:00; Thu 13:30-15:30". Fields are grouped by the record
fields they produce; only groups the curator changed are taken from the form, so everything the form
cannot show (a second venue, contact people, taxonomy codes) is kept as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from navigator.curation.review.schedule_text import schedules_to_text
from navigator.ingest.readers.spreadsheet_columns import parse_opening_times, split_list
from navigator.ingest.record import CostOption, ServiceRecord

STATUSES = ("active", "temporarily closed", "inactive", "defunct")
FREE_CHOICES = {"": "Not known", "yes": "Free", "no": "There is a charge"}
DELIVERY = {"in_person": "In person", "phone": "By phone", "online": "Online", "home_visit": "Home visits"}
_DELIVERY_WORDS = {"in_person": "in person", "phone": "phone", "online": "online", "home_visit": "home visit"}


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # line / text / select / checks / checkbox / date / number / email / url / tel
    group: str
    hint: str = ""
    limit: int = 300


F = FormField
_TIMES_HINT = "e.g. Tue 10:00-12:00; Mon-Fri 09:00-17:00; 1st Sun 10:30-12:30"
FIELDS: tuple[FormField, ...] = (
    F("name", "Service name", "line", "name"),
    F("organisation", "Organisation", "line", "organisation", "The organisation that runs it."),
    F("description", "Description", "text", "description", "What it does, for whom, how to start.", 20_000),
    F("website", "Website", "url", "website", "Starts with https://", 2000),
    F("email", "Email", "email", "email"),
    F("phone", "Phone numbers", "tel", "phone", "Separate several with “;”."),
    F("location_name", "Venue name", "line", "address"),
    F("address_1", "Address line 1", "line", "address"),
    F("address_2", "Address line 2", "line", "address"),
    F("town", "Town", "line", "address"),
    F("postcode", "Postcode", "line", "address", "A full UK postcode, e.g. CT20 1QA.", 20),
    F("accessibility", "Access at the venue", "text", "address", "Step-free entrance, hearing loop…", 2000),
    F("hide_exact_address", "Hide the exact address (e.g. a refuge)", "checkbox", "hide"),
    F("service_area", "Area served", "line", "service_area", "Separate several areas with “;”.", 1000),
    F("opening_times", "Opening times", "line", "times", _TIMES_HINT, 1000),
    F("opening_notes", "Notes about times", "text", "times", "Anything the times above cannot say.", 2000),
    F("cost", "Cost", "line", "cost", "e.g. £2 per session. Leave empty if free.", 1000),
    F("free", "Free?", "select", "free"),
    F("min_age", "Minimum age", "number", "eligibility", "Whole years; leave empty for no limit.", 3),
    F("max_age", "Maximum age", "number", "eligibility", "Whole years; leave empty for no limit.", 3),
    F("eligibility", "Who it is for", "text", "eligibility", "", 2000),
    F("categories", "Categories", "line", "categories", "Separate with “;”.", 2000),
    F("delivery", "How it is delivered", "checks", "delivery"),
    F("languages", "Languages", "line", "languages", "Separate with “;”.", 1000),
    F("status", "Status", "select", "status"),
    F("last_verified", "Last verified", "date", "verified", "The date someone last checked it.", 10),
)
# the form's sections, in page order (each a heading over consecutive FIELDS)
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("About the service", ("name", "organisation", "description")),
    ("How to get in touch", ("website", "email", "phone")),
    ("Where", ("location_name", "address_1", "address_2", "town", "postcode", "accessibility",
               "hide_exact_address", "service_area")),
    ("When", ("opening_times", "opening_notes")),
    ("Cost", ("cost", "free")),
    ("Who it is for", ("min_age", "max_age", "eligibility")),
    ("More", ("categories", "delivery", "languages", "status", "last_verified")),
)  # fmt: skip
BY_NAME = {f.name: f for f in FIELDS}
# form group → the record fields it produces (diffed and stored as curator-held)
GROUP_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "organisation": ("organization",),
    "description": ("description",),
    "website": ("url",),
    "email": ("email",),
    "phone": ("phones",),
    "address": ("locations",),
    "times": ("schedules",),
    "cost": ("fees", "cost_options", "is_free"),
    "free": ("is_free",),
    "eligibility": ("eligibility",),
    "categories": ("taxonomy_terms",),
    "delivery": ("delivery_modes",),
    "languages": ("languages",),
    "service_area": ("service_areas",),
    "status": ("status",),
    "hide": ("hide_exact_address",),
    "verified": ("assured_date",),
}


def tidy(value: object) -> str:
    """A submitted value as compared and parsed: CRLF → LF, trailing spaces and outer blank lines gone."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return "\n".join(
        line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ).strip()


def form_values(r: ServiceRecord) -> dict[str, str]:
    """The record as the form shows it."""
    loc = r.locations[0] if r.locations else None
    addr = loc.addresses[0] if loc and loc.addresses else None
    times, notes, _ = schedules_to_text(r.schedules)
    e = r.eligibility
    return {
        "name": r.name,
        "organisation": r.organization.name if r.organization else "",
        "description": r.description or "",
        "website": r.url or "",
        "email": r.email or "",
        "phone": "; ".join(p.display or p.number for p in r.phones),
        "location_name": (loc.name or "") if loc else "",
        "address_1": (addr.address_1 or "") if addr else "",
        "address_2": (addr.address_2 or "") if addr else "",
        "town": (addr.city or "") if addr else "",
        "postcode": (addr.postal_code or "") if addr else "",
        "accessibility": "\n".join(a.description for a in loc.accessibility if a.description) if loc else "",
        "opening_times": times,
        "opening_notes": notes,
        "cost": r.fees or "; ".join(cost_text(c) for c in r.cost_options),
        "free": {True: "yes", False: "no", None: ""}[r.is_free],
        "min_age": "" if not e or e.minimum_age is None else str(e.minimum_age),
        "max_age": "" if not e or e.maximum_age is None else str(e.maximum_age),
        "eligibility": (e.description or "") if e else "",
        "categories": "; ".join(t.term for t in r.taxonomy_terms),
        "delivery": ",".join(sorted(r.delivery_modes)),
        "languages": "; ".join(lang.name for lang in r.languages),
        "service_area": "; ".join(a.name for a in r.service_areas),
        "status": r.status,
        "hide_exact_address": "yes" if r.hide_exact_address else "",
        "last_verified": r.assured_date.isoformat() if r.assured_date else "",
    }


def cost_text(c: CostOption) -> str:
    amount = f"£{c.amount:,.2f}".replace(".00", "") if c.amount is not None else None
    return " ".join(p for p in (c.option, amount, c.amount_description) if p)


def schedule_notes_only(r: ServiceRecord) -> int:
    """How many of the record's opening-time entries the form can only show as notes."""
    return schedules_to_text(r.schedules)[2]


def submitted_values(form: dict[str, Any]) -> dict[str, str]:
    """The form's fields from a submission (missing ones empty, delivery boxes joined)."""
    values: dict[str, str] = {}
    for f in FIELDS:
        raw = form.get(f.name)
        if f.kind == "checks":
            items = raw if isinstance(raw, list) else [raw] if raw else []
            values[f.name] = ",".join(sorted({tidy(i) for i in items if tidy(i)}))
        elif f.kind == "checkbox":
            values[f.name] = "yes" if tidy(raw) else ""
        else:
            values[f.name] = tidy(raw[0] if isinstance(raw, list) and raw else raw)
    return values


def raw_record(source_id: str, v: dict[str, str], taxonomy: str) -> tuple[dict[str, Any], list[str]]:
    """(the raw ORUK-shaped record the normaliser reads, opening-times parts not understood)."""
    entries, bad = parse_opening_times(v["opening_times"])
    schedules: list[dict[str, str]] = [*entries]
    if v["opening_notes"]:
        schedules.append({"description": v["opening_notes"]})
    address = {
        "address_1": v["address_1"],
        "address_2": v["address_2"],
        "city": v["town"],
        "postal_code": v["postcode"],
    }
    location: dict[str, Any] = {"name": v["location_name"], "addresses": []}
    if any(address.values()):
        location["addresses"] = [{k: x for k, x in address.items() if x}]
    if v["accessibility"]:
        location["accessibility"] = [{"description": v["accessibility"]}]
    places = [{"location": location}] if any((v["location_name"], *address.values())) else []
    modes = [_DELIVERY_WORDS[d] for d in v["delivery"].split(",") if d in _DELIVERY_WORDS]
    raw: dict[str, Any] = {
        "id": source_id,
        "name": v["name"],
        "description": v["description"],
        "url": v["website"],
        "email": v["email"],
        "organization": {"name": v["organisation"]} if v["organisation"] else None,
        "phones": [{"number": p} for p in split_list(v["phone"])],
        "service_at_locations": places,
        "schedules": schedules,
        "fees": v["cost"],
        "free": v["free"],
        "minimum_age": v["min_age"],
        "maximum_age": v["max_age"],
        "eligibility_description": v["eligibility"],
        "taxonomy_terms": [{"term": t, "taxonomy": taxonomy} for t in split_list(v["categories"])],
        "delivery": "; ".join(modes),
        "languages": split_list(v["languages"], commas=True),
        "service_areas": split_list(v["service_area"]),
        "status": v["status"],
        "hide_exact_address": "yes" if v["hide_exact_address"] else "no",
        "assured_date": v["last_verified"],
    }
    return raw, bad


# normaliser/validator field paths → the form field a person fixes
_PATHS = (
    ("service_at_locations", "address_1"),
    ("schedules", "opening_times"),
    ("cost_options", "cost"),
    ("fees", "cost"),
    ("organization", "organisation"),
    ("url", "website"),
    ("phones", "phone"),
    ("minimum_age", "min_age"),
    ("maximum_age", "max_age"),
    ("eligibility_description", "eligibility"),
    ("taxonomy_terms", "categories"),
    ("service_areas", "service_area"),
    ("assured_date", "last_verified"),
)
_ADDRESS_PARTS = {
    "postal_code": "postcode",
    "city": "town",
    "address_2": "address_2",
    "name": "location_name",
}


def form_field_for(path: str | None) -> str | None:
    """Which form field an issue's field path belongs to (None: the record as a whole)."""
    if not path:
        return None
    if path.startswith("service_at_locations"):
        if "accessibility" in path:
            return "accessibility"
        last = path.rsplit(".", 1)[-1]
        return _ADDRESS_PARTS.get(last, "address_1")
    for prefix, name in _PATHS:
        if path.startswith(prefix):
            return name
    head = path.split(".", 1)[0].split("[", 1)[0]
    return head if head in BY_NAME else None
