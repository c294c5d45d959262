"""The Navigator spreadsheet template: its columns, the other names they go by, and its small syntaxes.

docs/spreadsheet-template.md documents every column in `TEMPLATE_COLUMNS` (a test keeps them in step).
Column names match loosely (case, spaces and punctuation are ignored: "Post code" = "postcode").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from navigator.ingest.readers.tabular import header_key

TEMPLATE_COLUMNS = (
    "service_id", "service_name", "organisation", "description", "website", "email", "phone",
    "address_1", "address_2", "town", "postcode", "latitude", "longitude", "opening_times",
    "opening_notes", "cost", "free", "min_age", "max_age", "eligibility", "categories", "delivery",
    "languages", "service_area", "status", "last_verified", "accessibility", "hide_exact_address",
)  # fmt: skip

# canonical → other names people give the column (the canonical name itself always matches)
SERVICE_ALIASES: dict[str, tuple[str, ...]] = {
    "service_id": ("Service ID", "ID", "Ref", "Reference", "Service ref", "Record ID", "Listing ID"),
    "service_name": ("Service", "Service name", "Name", "Service title", "Activity", "Activity name"),
    "organisation": (
        "Organisation(s)", "Organisations", "Organization", "Organizations", "Organisation name",
        "Organization name", "Provider", "Provider name", "Org", "Run by", "Delivered by",
    ),
    "description": ("Details", "About", "Summary", "Service description", "Information", "Info"),
    "website": ("URL", "Web", "Website address", "Web address", "Web link", "Link", "Homepage"),
    "email": ("E-mail", "Email address", "Contact email"),
    "phone": ("Telephone", "Phone number", "Tel", "Telephone number", "Contact number", "Mobile"),
    "address_1": ("Address", "Address line 1", "Address 1", "Street", "Street address"),
    "address_2": ("Address line 2", "Address 2"),
    "town": ("City", "Town/City", "Town or city", "Locality"),
    "postcode": ("Post code", "Zip", "Zip code", "Postal code"),
    "latitude": ("Lat",),
    "longitude": ("Lon", "Lng", "Long"),
    "opening_times": ("Opening times", "Days and times"),
    "opening_notes": ("Timing notes", "Opening hours", "When", "Times", "Hours", "Timings", "Session times"),
    "cost": ("Fees", "Fee", "Price", "Charges", "Cost details"),
    "free": ("Is free", "Free of charge"),
    "min_age": ("Min Age", "Minimum age", "Age from", "Age min"),
    "max_age": ("Max Age", "Maximum age", "Age to", "Age max"),
    "eligibility": ("Who it's for", "Who is it for", "Criteria", "Eligibility criteria", "Who can use it"),
    "categories": ("Category", "Type", "Service Type", "Service types", "Tags", "Topics", "Themes"),
    "delivery": ("Delivery method", "How delivered", "Attending type", "Mode"),
    "languages": ("Language", "Languages spoken"),
    "service_area": ("Area", "Area covered", "Areas served", "Coverage", "Operation area"),
    "status": (),
    "last_verified": ("Last checked", "Verified", "Last updated", "Last reviewed", "Assured date"),
    "accessibility": ("Access", "Disabled access", "Wheelchair access"),
    "hide_exact_address": ("Hide address", "Confidential address", "Private address"),
    # not in the template, but how a services table names its venues when a locations table exists
    "location_names": ("Location(s)", "Locations", "Location", "Venue", "Venues", "Location name"),
    # the folke.world directory's own category columns; they name the "folkestone" vocabulary
    "folkestone_categories": ("OnePlanet Cats", "Use Cases", "Basic type", "Audience Cats", "Support needs"),
}  # fmt: skip
MULTI_COLUMN = frozenset({"categories", "folkestone_categories"})  # every matching column is used

ORGANISATION_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("Org ID", "Organisation ID", "Organization ID"),
    "name": ("Organisation", "Organization", "Organisation name", "Organization name", "Name"),
    "description": ("About",),
    "website": ("Org Website", "URL", "Web", "Website address"),
    "email": ("E-mail", "Email address"),
}
LOCATION_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("Location name", "Location", "Venue", "Venue name", "Name"),
    "id": ("Location ID",),
    "address_1": ("Address", "Address line 1", "Address 1", "Street"),
    "address_2": ("Address line 2", "Address 2"),
    "city": ("Town", "City", "Town/City"),
    "postal_code": ("Postcode", "Post code", "Zip", "Postal code"),
    "phone": ("Telephone", "Phone number", "Tel"),
    "latitude": ("Lat",),
    "longitude": ("Lon", "Lng", "Long"),
    "description": (),
}
# "*Only" flag columns → the eligibility wording when the flag is set
ONLY_FLAGS = {
    "homelessonly": "Homeless people only",
    "disabilityonly": "Disabled people only",
    "childrenparentsonly": "Children and parents only",
    "membersonly": "Members only",
    "referralsonly": "By referral only",
}
TRUTHY = frozenset({"true", "yes", "y", "1", "x", "✓", "✔"})


@dataclass
class ColumnMap:
    """Which column holds each canonical field; columns matching nothing are `unknown`."""

    fields: dict[str, list[int]] = field(default_factory=dict)
    unknown: list[int] = field(default_factory=list)

    @classmethod
    def build(
        cls, header: list[str], aliases: dict[str, tuple[str, ...]], multi: frozenset[str] = frozenset()
    ) -> ColumnMap:
        lookup = {header_key(a): canon for canon, names in aliases.items() for a in (canon, *names)}
        cmap = cls()
        for i, name in enumerate(header):
            canon = lookup.get(header_key(name))
            if canon and (canon in multi or canon not in cmap.fields):
                cmap.fields.setdefault(canon, []).append(i)
            else:
                cmap.unknown.append(i)
        return cmap

    def get(self, cells: list[str], canon: str) -> str:
        cols = self.fields.get(canon)
        return cells[cols[0]].strip() if cols else ""

    def all(self, cells: list[str], canon: str) -> list[str]:
        return [cells[i].strip() for i in self.fields.get(canon, []) if cells[i].strip()]


def accepted_names(canon: str, aliases: dict[str, tuple[str, ...]] = SERVICE_ALIASES) -> str:
    return ", ".join((canon, *aliases[canon]))


def split_list(cell: str, commas: bool = False) -> list[str]:
    """ "a; b" → [a, b]. With `commas`, "a, b" splits too, but only in a cell that has no ";"."""
    separators = r"[;\n]" if not commas or re.search(r"[;\n]", cell) else ","
    return list(dict.fromkeys(p.strip() for p in re.split(separators, cell) if p.strip()))


def slug(*parts: str) -> str:
    """ "Kendal Trust", "Chatty Café" → "kendal-trust-chatty-cafe" (accents folded, so ids stay ASCII)."""
    text = unicodedata.normalize("NFKD", "-".join(p for p in parts if p))
    text = text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-")[:80]


# --- opening_times: "Tue 10:00-12:00; Thu 13:30-15:30; Mon-Fri 09:00-17:00; 2nd Sun 10:30-12:30" ---

_WEEK = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = r"(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?|noon|midday)"
_RANGE = re.compile(rf"({_TIME})\s*(?:-|–|—|to)\s*({_TIME})", re.IGNORECASE)
_ORDINAL = re.compile(r"^(1st|2nd|3rd|4th|5th|first|second|third|fourth|last)\s+", re.IGNORECASE)
_ORDINALS = {"1st": "1", "2nd": "2", "3rd": "3", "4th": "4", "5th": "5", "first": "1", "second": "2"}
_ORDINALS |= {"third": "3", "fourth": "4", "last": "-1"}
_GROUPS = {
    "daily": _WEEK,
    "everyday": _WEEK,
    "weekdays": _WEEK[:5],
    "weekends": _WEEK[5:],
    "weekend": _WEEK[5:],
}


def parse_opening_times(cell: str) -> tuple[list[dict[str, str]], list[str]]:
    """Schedule entries for the parts that follow the syntax, and the parts that do not."""
    entries: list[dict[str, str]] = []
    bad: list[str] = []
    for part in (p.strip() for p in cell.split(";")):
        if not part:
            continue
        parsed = _parse_part(part)
        if parsed is None:
            bad.append(part)
        else:
            entries.extend(parsed)
    return entries, bad


def _parse_part(part: str) -> list[dict[str, str]] | None:
    ordinal = ""
    if m := _ORDINAL.match(part):
        ordinal = _ORDINALS[m.group(1).lower()]
        part = part[m.end() :]
    m = re.search(r"\d|\b(noon|midday|closed)\b", part, re.IGNORECASE)
    if m is None:
        return None
    days = _days(part[: m.start()])
    rest = part[m.start() :]
    if not days:
        return None
    if rest.strip().lower() == "closed":
        return []  # a closed day needs no entry
    ranges = _RANGE.findall(rest)
    if not ranges or re.sub(r"[\s,&]|and", "", _RANGE.sub("", rest), flags=re.IGNORECASE):
        return None  # something besides time ranges is there: leave the wording to people
    byday = ",".join(f"{ordinal}{d}" for d in days)
    freq = "MONTHLY" if ordinal else "WEEKLY"
    return [{"freq": freq, "byday": byday, "opens_at": a.strip(), "closes_at": b.strip()} for a, b in ranges]


def _days(text: str) -> list[str] | None:
    text = text.strip().rstrip(":").strip()
    out: list[str] = []
    for token in re.split(r"\s*(?:,|&|/|\band\b)\s*", text, flags=re.IGNORECASE):
        token = token.strip().lower()
        if not token:
            continue
        if token.replace(" ", "") in _GROUPS:
            out += _GROUPS[token.replace(" ", "")]
            continue
        ends = re.split(r"\s*(?:-|–|\bto\b)\s*", token)
        if len(ends) == 2:
            a, b = _day(ends[0]), _day(ends[1])
            if a is None or b is None:
                return None
            i, j = _WEEK.index(a), _WEEK.index(b)
            out += [_WEEK[(i + k) % 7] for k in range((j - i) % 7 + 1)]  # "Fri-Mon" wraps round
        elif (day := _day(token)) is not None:
            out.append(day)
        else:
            return None
    return list(dict.fromkeys(out)) or None


def _day(token: str) -> str | None:
    """ "Tue", "Tues", "Tuesday", "Tuesdays", "tu" → "TU"; ambiguous or unknown → None."""
    token = token.strip().rstrip(".")
    if token.endswith("days"):
        token = token[:-1]
    token = {"weds": "wed"}.get(token, token)
    matches = [
        code
        for name, code in zip(_DAY_NAMES, _WEEK, strict=True)
        if len(token) >= 2 and name.startswith(token)
    ]
    return matches[0] if len(matches) == 1 else None
