"""Small vocabularies: status, yes/no flags, delivery modes, countries and US states."""

from __future__ import annotations

import math
import re

from navigator.ingest.record import DeliveryMode, Status

_STATUSES: dict[str, Status] = {
    **dict.fromkeys(
        ("active", "open", "live", "current", "published", "approved", "true", "yes", "1"), "active"
    ),
    **dict.fromkeys(
        ("inactive", "not active", "suspended", "hidden", "draft", "false", "no", "0"), "inactive"
    ),
    **dict.fromkeys(
        ("defunct", "closed", "permanently closed", "closed permanently", "ceased", "closed down", "archived",
         "deleted", "discontinued", "ended"),
        "defunct",
    ),
    **dict.fromkeys(
        ("temporarily closed", "temporarily unavailable", "temporarily suspended", "closed temporarily",
         "on hold", "paused"),
        "temporarily closed",
    ),
}  # fmt: skip

_TRUE = frozenset({"true", "yes", "y", "1", "t", "x", "on", "✓", "✔"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "off", "none", "-"})

# Order matters only for the result order; every mode found is returned.
_DELIVERY: tuple[tuple[DeliveryMode, re.Pattern[str]], ...] = (
    (
        "in_person",
        re.compile(
            r"\b(?:in[\s_-]?person|face[\s-]to[\s-]face|venue|drop[\s-]?in|walk[\s-]?in|attend(?:ing)?\s+(?:a|the|our)\s+|"
            r"on[\s-]site|at\s+(?:a|the|our)\s+(?:centre|center|venue|office|clinic|hub))",
            re.IGNORECASE,
        ),
    ),
    (
        "online",
        re.compile(
            r"\b(?:online|on-line|video|virtual(?:ly)?|zoom|(?:microsoft|ms)\s+teams|skype|web\s?chat|remote(?:ly)?)\b",
            re.IGNORECASE,
        ),
    ),
    ("phone", re.compile(r"\b(?:tele)?phone\b|\bhelpline\b|\bcall\s+us\b|\bphone\s+line\b", re.I)),
    (
        "home_visit",
        re.compile(r"\bhome[\s_-]?visits?\b|\bat\s+(?:your\s+)?home\b|\bin\s+your\s+home\b", re.I),
    ),
)

_GB_NAMES = frozenset(
    {"gb", "gbr", "uk", "u.k.", "united kingdom", "great britain", "england", "scotland", "wales",
     "northern ireland", "britain"}
)  # fmt: skip
_US_NAMES = frozenset({"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america", "america"})
US_STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
    "CO": "colorado", "CT": "connecticut", "DE": "delaware", "FL": "florida", "GA": "georgia",
    "HI": "hawaii", "ID": "idaho", "IL": "illinois", "IN": "indiana", "IA": "iowa", "KS": "kansas",
    "KY": "kentucky", "LA": "louisiana", "ME": "maine", "MD": "maryland", "MA": "massachusetts",
    "MI": "michigan", "MN": "minnesota", "MS": "mississippi", "MO": "missouri", "MT": "montana",
    "NE": "nebraska", "NV": "nevada", "NH": "new hampshire", "NJ": "new jersey", "NM": "new mexico",
    "NY": "new york", "NC": "north carolina", "ND": "north dakota", "OH": "ohio", "OK": "oklahoma",
    "OR": "oregon", "PA": "pennsylvania", "RI": "rhode island", "SC": "south carolina",
    "SD": "south dakota", "TN": "tennessee", "TX": "texas", "UT": "utah", "VT": "vermont",
    "VA": "virginia", "WA": "washington", "WV": "west virginia", "WI": "wisconsin", "WY": "wyoming",
    "DC": "district of columbia", "PR": "puerto rico",
}  # fmt: skip
_US_STATE_NAMES = frozenset(US_STATES.values())
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")


def parse_status(value: object) -> Status | None:
    """The ORUK status for a source's wording; None when the wording is not recognised."""
    if isinstance(value, bool):
        return "active" if value else "inactive"
    text = " ".join(str(value).lower().replace("_", " ").replace("-", " ").split())
    return _STATUSES.get(text)


def parse_bool(value: object) -> bool | None:
    """True/False from the ways spreadsheets write yes and no; None when empty or not understood."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if math.isnan(value) else value != 0
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def parse_delivery(text: str | None, location_types: tuple[str, ...] = ()) -> list[DeliveryMode]:
    """How a service is delivered, from wording ("In person; Telephone", "Home visit", "Video").

    A location of type "virtual" means the service is (also) online.
    """
    modes: list[DeliveryMode] = []
    if text:
        modes = [mode for mode, pattern in _DELIVERY if pattern.search(text)]
    if any(t.strip().lower() == "virtual" for t in location_types) and "online" not in modes:
        modes.append("online")
    order = [mode for mode, _ in _DELIVERY]
    return sorted(modes, key=order.index)


def parse_country(value: str) -> str | None:
    """ISO 3166 alpha-2 for the names UK and US sources use ("United Kingdom" → "GB"); else None."""
    text = " ".join(value.lower().split())
    if text in _GB_NAMES:
        return "GB"
    if text in _US_NAMES:
        return "US"
    if re.fullmatch(r"[a-z]{2}", text):
        return text.upper()
    return None


def is_us_state(value: str | None) -> bool:
    if not value:
        return False
    text = " ".join(value.split())
    return text.upper() in US_STATES or text.lower() in _US_STATE_NAMES


def looks_american(state_province: str | None, postal_code: str | None) -> bool:
    """A US state together with a 5-digit ZIP: conservative, both must be present."""
    return is_us_state(state_province) and bool(postal_code and _ZIP.match(postal_code.strip()))
