#!/usr/bin/env python3
"""Check the sample directory CSV: invented contact details, real outcodes, a tidy vocabulary.

    python directory_data/tools/check_sample.py           # list problems; exit 1 if any
    python directory_data/tools/check_sample.py --counts  # also print the README's count tables

Every check returns a list of problems as "NNS-001 phone: ..." strings, so a test can assert that
each list is empty and a curator can see exactly which row and column to fix.
Standard library only.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from csv_to_oruk import (
    CATEGORIES,
    DEFAULT_CSV,
    SampleDataError,
    parse_opening_times,
    read_rows,
    split_list,
)

REPO = Path(__file__).resolve().parents[2]
MIN_PER_CATEGORY = 6

# Ofcom's ranges for drama and examples: numbers that will never be given to a real line.
DRAMA_PREFIXES = ("01632960", "01174960", "02079460", "07700900", "08081570", "03069990")
_PHONE = re.compile(r"(?:\+44\s?|\(?0)\d[\d ()]{7,}\d")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(?: (\d[ABD-HJLNP-UW-Z]{2}))?$")
SAFE_DOMAINS = ("example.org", "example.com", "example.net")

# Each postcode area of the sample, with the post towns used and a box its coordinates must fall in.
PLACES: dict[str, tuple[set[str], tuple[float, float, float, float]]] = {
    "CT": ({"Hythe", "Folkestone"}, (51.05, 51.13, 1.05, 1.22)),
    "DN": ({"Scunthorpe"}, (53.54, 53.62, -0.72, -0.60)),
    "BS": ({"Bristol"}, (51.42, 51.50, -2.60, -2.50)),
}
STATUSES = {"active", "inactive", "temporarily closed", "defunct"}
DELIVERY = {"in person", "online", "phone", "home visit"}
PLACEHOLDER = re.compile(r"^Confidential address\b")


def safe_domain(domain: str) -> bool:
    domain = domain.lower()
    return domain.endswith(".invalid") or any(
        domain == safe or domain.endswith("." + safe) for safe in SAFE_DOMAINS
    )


def phone_problems(rows: list[dict[str, str]]) -> list[str]:
    """Anything that looks like a UK phone number, in any column, must be in a drama range."""
    problems = []
    for row in rows:
        for column, value in row.items():
            for found in _PHONE.findall(value):
                digits = re.sub(r"\D", "", found)
                digits = "0" + digits[2:] if found.startswith("+44") else digits
                if len(digits) != 11 or not digits.startswith(DRAMA_PREFIXES):
                    problems.append(f"{row['service_id']} {column}: '{found}' is not in an Ofcom drama range")
    return problems


def contact_problems(rows: list[dict[str, str]]) -> list[str]:
    """Emails anywhere, and websites, must use example.* or .invalid domains."""
    problems = []
    for row in rows:
        for column, value in row.items():
            for domain in _EMAIL.findall(value):
                if not safe_domain(domain):
                    problems.append(f"{row['service_id']} {column}: email domain '{domain}' is not example.*")
        website = row["website"]
        if website:
            host = re.sub(r"^https?://", "", website).split("/")[0]
            if not safe_domain(host):
                problems.append(f"{row['service_id']} website: host '{host}' is not example.*")
    return problems


def postcode_problems(rows: list[dict[str, str]], outcodes: set[str] | None) -> list[str]:
    """Postcodes well formed, outcodes real (when a list is given), towns and coordinates matching."""
    problems = []
    for row in rows:
        sid, postcode = row["service_id"], row["postcode"]
        if not postcode:
            if row["address_1"]:
                problems.append(f"{sid} postcode: an address needs a postcode")
            continue
        match = _POSTCODE.match(postcode)
        if not match:
            problems.append(f"{sid} postcode: '{postcode}' is not a well-formed UK postcode")
            continue
        outcode, inward = match.groups()
        if outcodes is not None and outcode not in outcodes:
            problems.append(f"{sid} postcode: outcode '{outcode}' is not a real UK outcode")
        if not inward and row["hide_exact_address"] != "yes":
            problems.append(f"{sid} postcode: only refuges give just the outcode")
        area = re.match(r"[A-Z]+", outcode)
        towns, box = PLACES.get(area.group(0) if area else "", (set(), (0.0, 0.0, 0.0, 0.0)))
        if row["town"] not in towns:
            problems.append(f"{sid} town: '{row['town']}' does not match postcode area of '{postcode}'")
        if row["latitude"] or row["longitude"]:
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except ValueError:
                problems.append(f"{sid} latitude/longitude: both must be decimal numbers")
                continue
            if not (box[0] <= lat <= box[1] and box[2] <= lon <= box[3]):
                problems.append(f"{sid} latitude/longitude: {lat},{lon} is not near {row['town']}")
    return problems


def category_problems(rows: list[dict[str, str]]) -> list[str]:
    """Categories from the vocabulary, 1 to 3 per row, and every one used at least 6 times."""
    problems = []
    for row in rows:
        labels = split_list(row["categories"])
        if not 1 <= len(labels) <= 3:
            problems.append(f"{row['service_id']} categories: {len(labels)} given, expected 1 to 3")
        problems += [
            f"{row['service_id']} categories: '{label}' is not in the vocabulary"
            for label in labels
            if label not in CATEGORIES
        ]
    counts = category_counts(rows)
    problems += [
        f"category '{label}': only {counts[label]} services, want at least {MIN_PER_CATEGORY}"
        for label in CATEGORIES
        if counts[label] < MIN_PER_CATEGORY
    ]
    return problems


def value_problems(rows: list[dict[str, str]], today: date | None = None) -> list[str]:
    """Ids, yes/no flags, status, delivery, ages, dates, opening times and hidden addresses."""
    today = today or date.today()
    problems = []
    ids = Counter(row["service_id"] for row in rows)
    problems += [f"{sid}: service_id used {n} times" for sid, n in ids.items() if n > 1]
    for row in rows:
        sid = row["service_id"]

        def bad(column: str, why: str, sid: str = sid) -> None:
            problems.append(f"{sid} {column}: {why}")

        if not re.fullmatch(r"NNS-\d{3}", sid):
            bad("service_id", "expected NNS- and three digits")
        for column in ("service_name", "organisation", "description", "categories", "service_area"):
            if not row[column]:
                bad(column, "is empty")
        if row["free"] not in ("yes", "no"):
            bad("free", f"'{row['free']}' is not yes or no")
        if row["free"] == "no" and not row["cost"]:
            bad("cost", "a service that is not free must say what it costs")
        if row["hide_exact_address"] not in ("", "yes", "no"):
            bad("hide_exact_address", "must be yes, no or empty")
        if row["status"] not in STATUSES:
            bad("status", f"'{row['status']}' is not one of {sorted(STATUSES)}")
        for mode in split_list(row["delivery"]):
            if mode not in DELIVERY:
                bad("delivery", f"'{mode}' is not one of {sorted(DELIVERY)}")
        for column in ("min_age", "max_age"):
            if row[column] and not row[column].isdigit():
                bad(column, "must be a whole number of years")
        if (
            row["min_age"].isdigit()
            and row["max_age"].isdigit()
            and int(row["min_age"]) > int(row["max_age"])
        ):
            bad("min_age", "is above max_age")
        try:
            verified = date.fromisoformat(row["last_verified"])
            if not date(2024, 1, 1) <= verified <= today:
                bad("last_verified", f"{verified} is outside 2024-01-01 .. today")
        except ValueError:
            bad("last_verified", f"'{row['last_verified']}' is not a YYYY-MM-DD date")
        try:
            parse_opening_times(row["opening_times"], f"{sid} opening_times")
        except SampleDataError as error:
            problems.append(str(error))
        if row["hide_exact_address"] == "yes" and not PLACEHOLDER.match(row["address_1"]):
            bad("address_1", "a hidden address must be a 'Confidential address ...' placeholder")
        if len(re.findall(r"[.!?](?:\s|$)", row["description"])) < 2:
            bad("description", "write at least two sentences")
    return problems


def category_counts(rows: list[dict[str, str]]) -> Counter[str]:
    return Counter(label for row in rows for label in split_list(row["categories"]))


def place_of(row: dict[str, str]) -> str:
    """Which of the sample's places a row belongs to (for the README's counts)."""
    area = re.match(r"[A-Z]+", row["postcode"])
    code = area.group(0) if area else ""
    code = code or next((c for c, (towns, _) in PLACES.items() if row["town"] in towns), "")
    names = {"CT": "Hythe & Folkestone", "DN": "Scunthorpe", "BS": "Bristol east/central"}
    return names.get(code, "National (phone/online)")


def load_outcodes() -> set[str] | None:
    """Real outcodes from ../shared or the copy shipped with navigator.geo; None if neither exists."""
    for path in (
        REPO.parent / "shared/data/geo/uk-outcodes.csv",
        REPO / "navigator/geo/data/uk-outcodes.csv",
    ):
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                return {row["postcode"].strip().upper() for row in csv.DictReader(handle)}
    return None


def all_problems(rows: list[dict[str, str]], outcodes: set[str] | None) -> list[str]:
    return (
        value_problems(rows)
        + phone_problems(rows)
        + contact_problems(rows)
        + postcode_problems(rows, outcodes)
        + category_problems(rows)
    )


def counts_markdown(rows: list[dict[str, str]]) -> str:
    places = Counter(place_of(row) for row in rows)
    lines = ["| place | services |", "|---|---|"]
    lines += [f"| {place} | {n} |" for place, n in sorted(places.items(), key=lambda kv: -kv[1])]
    lines += ["", "| category | what belongs under it | services |", "|---|---|---|"]
    counts = category_counts(rows)
    lines += [f"| {label} | {about} | {counts[label]} |" for label, about in CATEGORIES.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        rows = read_rows(DEFAULT_CSV)
    except SampleDataError as error:
        print(f"check_sample: {error}", file=sys.stderr)
        return 1
    outcodes = load_outcodes()
    problems = all_problems(rows, outcodes)
    for problem in problems:
        print(problem)
    if outcodes is None:
        print("note: no outcode list found, outcodes were not checked")
    if "--counts" in args:
        print(counts_markdown(rows))
    print(f"{len(rows)} services, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
