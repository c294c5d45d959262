#!/usr/bin/env python3
"""Build the ORUK 3.0 JSON twin of the sample directory from its spreadsheet CSV.

    python directory_data/tools/csv_to_oruk.py [CSV] [JSON]

Defaults: `directory_data/sample-services.csv` -> `directory_data/sample-services.oruk.json`.
The output is one ORUK 3.0 list page of compiled service objects. Standard library only and
deterministic (same CSV, same bytes), so the JSON can be checked for being in sync with the CSV.

Ids: the service keeps its `service_id`; everything nested gets an id derived from it
(`NNS-001-loc-1`, `NNS-001-sch-2`...), organisations `NNS-ORG-<slug of name>`, categories
`nns-<slug of label>`. Where the spreadsheet has something ORUK 3.0 has no field for, this uses
the HSDS 3.0 name (`eligibility_description`, `address_2`, `languages[].name/code`,
`contacts[].phones`), puts `delivery` in `schedules[].attending_type`, and marks refuges with a
top-level `hide_exact_address: true` (their CSV address is already a placeholder).
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_CSV = HERE.parent / "sample-services.csv"
DEFAULT_JSON = HERE.parent / "sample-services.oruk.json"

HEADER = [
    "service_id", "service_name", "organisation", "description", "website", "email", "phone",
    "address_1", "address_2", "town", "postcode", "latitude", "longitude", "opening_times",
    "opening_notes", "cost", "free", "min_age", "max_age", "eligibility", "categories", "delivery",
    "languages", "service_area", "status", "last_verified", "accessibility", "hide_exact_address",
]  # fmt: skip

TAXONOMY = "navigator-sample"

# The sample directory's category vocabulary: label -> what belongs under it.
CATEGORIES: dict[str, str] = {
    "Loneliness & befriending": "Befriending visits and calls, friendship groups and community cafés",
    "Bereavement": "Support after a death: counselling, peer groups, children's grief support",
    "Mental health": "Talking therapies, peer support, crisis cafés and wellbeing groups",
    "Carers": "Support for unpaid carers of any age, including young carers",
    "Money & debt": "Debt advice, benefits checks, energy bills, credit unions",
    "Housing & homelessness": "Housing advice, day centres, shelters and supported housing",
    "Food": "Food banks, community pantries and fridges, lunch clubs and community meals",
    "Domestic abuse": "Outreach, refuges, recovery programmes and helplines",
    "Drugs & alcohol": "Treatment, recovery cafés and support for families",
    "Physical activity": "Walking groups, chair exercise, swimming and other gentle activity",
    "Long-term conditions": "Diabetes, lung and heart conditions, arthritis, chronic pain and more",
    "Disability": "Disability advice, equipment, social and sports clubs",
    "Dementia": "Memory cafés, dementia support and groups for carers",
    "Young people": "Youth clubs, youth counselling and activities for 11 to 18s",
    "Parents & families": "Baby and toddler groups, new parents, dads' groups, family support",
    "Employment & skills": "Job clubs, careers advice, adult learning and training",
    "Digital skills": "Help to get online and use phones, tablets and computers",
    "Refugees & ESOL": "Welcome hubs, advice for new arrivals and English classes",
    "LGBTQ+": "Groups and support for lesbian, gay, bi, trans and queer people",
    "Veterans": "Support and social groups for ex-forces people and their families",
    "Transport": "Community transport, dial-a-ride and volunteer drivers",
    "Volunteering": "Ways to volunteer and volunteer centres",
    "Arts & creativity": "Arts, crafts, music, singing and writing groups",
    "Nature & gardening": "Green prescribing, community gardens, allotments and outdoor groups",
    "Hearing & sight loss": "Hearing aid help, Deaf community groups and sight loss support",
    "Men's sheds": "Men's sheds and groups where men meet, make and talk",
    "Older people": "Social clubs, lunch clubs and activities for older people",
    "Sexual health": "Sexual health clinics, testing and contraception",
    "Gambling": "Support for people harmed by gambling and their families",
}

# ISO 639 codes for the languages the sample uses (639-1 where one exists).
LANGUAGE_CODES: dict[str, str] = {
    "English": "en", "Polish": "pl", "Nepali": "ne", "Romanian": "ro", "Arabic": "ar",
    "Kurdish": "ku", "Pashto": "ps", "Dari": "prs", "Urdu": "ur", "Punjabi": "pa", "Bengali": "bn",
    "Lithuanian": "lt", "Latvian": "lv", "Russian": "ru", "Somali": "so", "Portuguese": "pt",
    "Farsi": "fa", "Tigrinya": "ti", "French": "fr", "British Sign Language": "bfi",
}  # fmt: skip

# ORUK addresses require a state_province: the county for each postcode area used.
COUNTIES: dict[str, str] = {"CT": "Kent", "DN": "North Lincolnshire", "BS": "City of Bristol"}

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
ORDINALS = {"1st": "1", "2nd": "2", "3rd": "3", "4th": "4", "last": "-1"}
_PART = re.compile(
    r"^(?:(?P<ord>1st|2nd|3rd|4th|last) )?(?P<first>[A-Z][a-z]{2})(?:-(?P<last>[A-Z][a-z]{2}))? "
    r"(?P<opens>\d\d:\d\d)-(?P<closes>\d\d:\d\d)$"
)


class SampleDataError(ValueError):
    """A row of the CSV that this script cannot turn into ORUK; the message says where and why."""


@dataclass(frozen=True)
class Slot:
    """One part of `opening_times`: the days (RFC 5545 BYDAY codes) and the hours."""

    byday: tuple[str, ...]
    monthly: bool
    opens: str
    closes: str
    wording: str


def read_rows(path: Path) -> list[dict[str, str]]:
    """The CSV's rows, after checking the header is exactly the template's."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != HEADER:
            raise SampleDataError(f"{path}: the header is not the Navigator template header {HEADER}")
        return [{key: (value or "").strip() for key, value in row.items()} for row in reader]


def parse_opening_times(text: str, where: str = "opening_times") -> list[Slot]:
    """`Tue 10:00-12:00; Mon-Fri 09:00-17:00; last Fri 19:00-21:00` as slots."""
    slots = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _PART.match(part)
        if not match or match["first"] not in DAYS or (match["last"] and match["last"] not in DAYS):
            raise SampleDataError(
                f"{where}: '{part}' is not 'Day HH:MM-HH:MM', 'Day-Day HH:MM-HH:MM' or '2nd Day HH:MM-HH:MM'"
            )
        if match["ord"] and match["last"]:
            raise SampleDataError(f"{where}: '{part}' puts an ordinal before a range of days")
        start = DAYS.index(match["first"])
        end = DAYS.index(match["last"]) if match["last"] else start
        if end < start:
            raise SampleDataError(f"{where}: '{part}' has a day range that runs backwards")
        prefix = ORDINALS[match["ord"]] if match["ord"] else ""
        days = tuple(prefix + DAYS[i][:2].upper() for i in range(start, end + 1))
        slots.append(Slot(days, bool(prefix), match["opens"], match["closes"], part))
    return slots


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " ")).strip("-")


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def service_url(website: str) -> str:
    """Curators often leave off the scheme; ORUK wants a URI."""
    return website if re.match(r"^https?://", website) else f"https://{website}"


def amount_of(cost: str) -> float | None:
    """The first price in the cost wording: '£3.50 per class' -> 3.5, '45p per mile' -> 0.45."""
    if pounds := re.search(r"£(\d+(?:\.\d{1,2})?)", cost):
        return float(pounds.group(1))
    if pence := re.search(r"\b(\d+)p\b", cost):
        return int(pence.group(1)) / 100
    return None


def build_schedules(row: dict[str, str], sid: str) -> list[dict[str, Any]]:
    """One schedule per set of days sharing hours and frequency; notes and delivery on each."""
    groups: dict[tuple[bool, str, str], list[Slot]] = {}
    for slot in parse_opening_times(row["opening_times"], f"{sid} opening_times"):
        groups.setdefault((slot.monthly, slot.opens, slot.closes), []).append(slot)
    schedules: list[dict[str, Any]] = []
    for (monthly, opens, closes), slots in groups.items():
        schedules.append(
            {
                "id": f"{sid}-sch-{len(schedules) + 1}",
                "service_id": sid,
                "freq": "MONTHLY" if monthly else "WEEKLY",
                "interval": 1,
                "byday": ",".join(day for slot in slots for day in slot.byday),
                "opens_at": opens,
                "closes_at": closes,
                "description": "; ".join(slot.wording for slot in slots),
            }
        )
    if not schedules and (row["opening_notes"] or row["delivery"]):
        schedules.append({"id": f"{sid}-sch-1", "service_id": sid})
    for schedule in schedules:
        if row["opening_notes"]:
            schedule["notes"] = row["opening_notes"]
        if row["delivery"]:
            schedule["attending_type"] = row["delivery"]
    return schedules


def build_locations(row: dict[str, str], sid: str) -> list[dict[str, Any]]:
    """The venue as a service_at_location, or nothing for services without one."""
    if not (row["address_1"] and row["postcode"]):
        return []
    loc_id = f"{sid}-loc-1"
    address: dict[str, Any] = {"id": f"{sid}-addr-1", "location_id": loc_id, "address_1": row["address_1"]}
    if row["address_2"]:
        address["address_2"] = row["address_2"]
    area = re.match(r"[A-Z]+", row["postcode"])
    address |= {
        "city": row["town"],
        "state_province": COUNTIES.get(area.group(0) if area else "", ""),
        "postal_code": row["postcode"],
        "country": "GB",
        "address_type": "physical",
    }
    location: dict[str, Any] = {"id": loc_id, "location_type": "physical"}
    name, _, rest = row["address_1"].partition(",")
    if rest and not name[:1].isdigit() and row["hide_exact_address"] != "yes":
        location["name"] = name.strip()
    if row["latitude"] and row["longitude"]:
        location["latitude"] = float(row["latitude"])
        location["longitude"] = float(row["longitude"])
    location["addresses"] = [address]
    if row["accessibility"]:
        location["accessibility"] = [
            {"id": f"{sid}-acc-1", "location_id": loc_id, "description": row["accessibility"]}
        ]
    return [{"id": f"{sid}-sal-1", "service_id": sid, "location_id": loc_id, "location": location}]


def build_cost_options(row: dict[str, str], sid: str) -> list[dict[str, Any]]:
    """The `free` flag and `cost` wording as one cost option (no `fees`: it would say the same)."""
    option: dict[str, Any] = {"id": f"{sid}-cost-1", "service_id": sid}
    if row["free"] == "yes":
        # amount 0 says "free" even when the wording mentions money ("£3 suggested donation").
        option |= {"option": "Free", "amount": 0}
    else:
        option["option"] = "Charge"
        if (amount := amount_of(row["cost"])) is not None:
            option["amount"] = amount
    if row["cost"]:
        option["amount_description"] = row["cost"]
    return [option] if row["free"] or row["cost"] else []


def category_term(label: str, where: str) -> dict[str, Any]:
    if label not in CATEGORIES:
        raise SampleDataError(f"{where}: '{label}' is not in the category vocabulary (see CATEGORIES)")
    term_id = f"nns-{slug(label)}"
    return {"id": term_id, "name": label, "description": CATEGORIES[label], "taxonomy": TAXONOMY}


def build_service(row: dict[str, str], organisations: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One compiled ORUK 3.0 service object from one CSV row."""
    sid = row["service_id"]
    service: dict[str, Any] = {"id": sid, "name": row["service_name"], "description": row["description"]}
    if row["website"]:
        service["url"] = service_url(row["website"])
    if row["email"]:
        service["email"] = row["email"]
    service["status"] = row["status"] or "active"
    for column, field in (("min_age", "minimum_age"), ("max_age", "maximum_age")):
        if row[column]:
            service[field] = int(row[column])
    if row["last_verified"]:
        service["assured_date"] = row["last_verified"]
    if row["eligibility"]:
        service["eligibility_description"] = row["eligibility"]
    organisation = organisations[row["organisation"]]
    service["organization_id"] = organisation["id"]
    service["organization"] = organisation
    service["service_at_locations"] = build_locations(row, sid)
    service["schedules"] = build_schedules(row, sid)
    service["cost_options"] = build_cost_options(row, sid)
    service["languages"] = [
        {"id": f"{sid}-lang-{i}", "service_id": sid, "name": name}
        | ({"code": LANGUAGE_CODES[name]} if name in LANGUAGE_CODES else {})
        for i, name in enumerate(split_list(row["languages"]), 1)
    ]
    service["service_areas"] = [
        {"id": f"{sid}-area-{i}", "service_id": sid, "name": area, "service_area": area}
        for i, area in enumerate(split_list(row["service_area"]), 1)
    ]
    phones = split_list(row["phone"])
    service["contacts"] = (
        [
            {
                "id": f"{sid}-contact-1",
                "service_id": sid,
                "title": "Enquiries",
                "phones": [
                    {"id": f"{sid}-phone-{i}", "contact_id": f"{sid}-contact-1", "number": number}
                    for i, number in enumerate(phones, 1)
                ],
            }
        ]
        if phones
        else []
    )
    service["attributes"] = []
    for i, label in enumerate(split_list(row["categories"]), 1):
        term = category_term(label, f"{sid} categories")
        service["attributes"].append(
            {
                "id": f"{sid}-cat-{i}",
                "link_id": sid,
                "link_type": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }
        )
    if row["hide_exact_address"] == "yes":
        service["hide_exact_address"] = True
    return service


def build_organisations(rows: list[dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Organisations by name; the template has no organisation description, so one is composed."""
    services: dict[str, list[str]] = {}
    for row in rows:
        services.setdefault(row["organisation"], []).append(row["service_name"])
    intro = "Invented organisation in the Navigator sample directory. Runs:"
    return {
        name: {"id": f"NNS-ORG-{slug(name)}", "name": name, "description": f"{intro} {'; '.join(names)}."}
        for name, names in services.items()
    }


def build_page(rows: list[dict[str, str]]) -> dict[str, Any]:
    """The whole directory as one ORUK list page."""
    organisations = build_organisations(rows)
    contents = [build_service(row, organisations) for row in rows]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def render(page: dict[str, Any]) -> str:
    return json.dumps(page, ensure_ascii=False, indent=2) + "\n"


def write_atomic(text: str, path: Path) -> None:
    """Write via a temporary file in the same folder, so the JSON is never half-written."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes it private; this is a published file
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 2 or any(a in ("-h", "--help") for a in args):
        print(__doc__)
        return 0 if args and args[0] in ("-h", "--help") else 2
    source = Path(args[0]) if args else DEFAULT_CSV
    target = Path(args[1]) if len(args) > 1 else DEFAULT_JSON
    try:
        page = build_page(read_rows(source))
    except SampleDataError as error:
        print(f"csv_to_oruk: {error}", file=sys.stderr)
        return 1
    write_atomic(render(page), target)
    print(f"wrote {page['total_items']} services to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
