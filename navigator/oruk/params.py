"""The ORUK API's query parameters: checked, with a message that says what to send instead.

Every parser takes the raw text (or None when absent) and either returns a clean value or raises
`OrukInputError(field, message)`, which the API answers with 422.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from navigator.geo.outcodes import GeoPoint, OutcodeTable
from navigator.store.oruk_queries import ServiceFilter

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 10
MAX_PROXIMITY_METRES = 200_000

_DAYS = {
    "MO": ("monday", "mon"),
    "TU": ("tuesday", "tue", "tues"),
    "WE": ("wednesday", "wed", "weds"),
    "TH": ("thursday", "thu", "thur", "thurs"),
    "FR": ("friday", "fri"),
    "SA": ("saturday", "sat"),
    "SU": ("sunday", "sun"),
}
_DAY_LOOKUP = {name: code for code, names in _DAYS.items() for name in (code.lower(), *names)}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class OrukInputError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Near:
    """A point people asked about (a postcode's centre) and, optionally, how far from it."""

    postcode: str
    point: GeoPoint
    metres: float | None


def _whole(field: str, raw: str | None, default: int, lowest: int, highest: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not re.fullmatch(r"[+]?\d+", text):
        raise OrukInputError(
            field, f"'{raw}' is not a whole number; send a number from {lowest} to {highest:,}"
        )
    value = int(text)
    if not lowest <= value <= highest:
        raise OrukInputError(field, f"{value:,} is out of range; send a number from {lowest} to {highest:,}")
    return value


def page_request(page: str | None, per_page: str | None) -> PageRequest:
    return PageRequest(
        _whole("page", page, 1, 1, MAX_PAGE),
        _whole("per_page", per_page, DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def search_words(raw: str | None) -> tuple[str, ...]:
    if raw is None or not raw.strip():
        return ()
    if len(raw) > MAX_SEARCH_CHARS:
        raise OrukInputError("search", f"is {len(raw):,} characters long; send at most {MAX_SEARCH_CHARS}")
    words = tuple(dict.fromkeys(w for w in re.split(r"\s+", raw.strip().lower()) if w))
    if len(words) > MAX_SEARCH_WORDS:
        raise OrukInputError("search", f"has {len(words)} words; send at most {MAX_SEARCH_WORDS}")
    return words


def age(field: str, raw: str | None) -> float | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        raise OrukInputError(field, f"'{raw}' is not a number; send an age in years, e.g. 18") from None
    if not math.isfinite(value) or not 0 <= value <= 130:
        raise OrukInputError(field, f"'{raw}' is not an age; send a number of years from 0 to 130")
    return value


def day(raw: str | None) -> str | None:
    if raw is None or raw.strip() == "":
        return None
    code = _DAY_LOOKUP.get(raw.strip().lower())
    if code is None:
        raise OrukInputError("day", f"'{raw}' is not a day; send one of monday…sunday, mon…sun or MO…SU")
    return code


def time_of_day(field: str, raw: str | None) -> str | None:
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip().upper().removesuffix("Z")
    match = _TIME.match(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise OrukInputError(field, f"'{raw}' is not a time of day; send HH:MM (24-hour), e.g. 09:30")
    return f"{int(match[1]):02d}:{match[2]}"


def modified_after(raw: str | None) -> datetime | None:
    """An ISO 8601 date or date-time. Without an offset it is read as UTC. Returned as the naive
    local time the store keeps `updated_at` in."""
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise OrukInputError(
                "modified_after",
                f"'{raw}' is not a date-time; send ISO 8601, e.g. 2025-03-31 or 2025-03-31T09:00:00Z",
            ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone().replace(tzinfo=None)


def near(outcodes: OutcodeTable, postcode: str | None, proximity: str | None) -> Near | None:
    """`postcode` alone sorts by distance; with `proximity` (metres, as the ORUK spec says) it filters."""
    has_postcode = postcode is not None and postcode.strip() != ""
    has_proximity = proximity is not None and proximity.strip() != ""
    if not has_postcode:
        if has_proximity:
            raise OrukInputError("proximity", "needs a postcode to measure from; send postcode too")
        return None
    assert postcode is not None
    text = postcode.strip()
    point = outcodes.geocode(text) if len(text) <= 12 else None
    if point is None:
        raise OrukInputError(
            "postcode",
            f"'{text[:40]}' is not a UK postcode or outward code we know; send e.g. CT20 1JR or CT20",
        )
    metres: float | None = None
    if has_proximity:
        assert proximity is not None
        try:
            metres = float(proximity.strip())
        except ValueError:
            metres = math.nan
        if not math.isfinite(metres) or not 0 < metres <= MAX_PROXIMITY_METRES:
            raise OrukInputError(
                "proximity",
                f"'{proximity}' is not a distance; send metres from 1 to {MAX_PROXIMITY_METRES:,}, e.g. 5000",
            )
    return Near(text.upper(), point, metres)


def service_filter(
    *,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after_raw: str | None = None,
    minimum_age: str | None = None,
    maximum_age: str | None = None,
    day_raw: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
) -> ServiceFilter:
    return ServiceFilter(
        words=search_words(search),
        taxonomy_term_id=text_or_none(taxonomy_term_id),
        taxonomy_id=text_or_none(taxonomy_id),
        organization_id=text_or_none(organization_id),
        modified_after=modified_after(modified_after_raw),
        minimum_age=age("minimum_age", minimum_age),
        maximum_age=age("maximum_age", maximum_age),
        day=day(day_raw),
        start_time=time_of_day("start_time", start_time),
        end_time=time_of_day("end_time", end_time),
    )


def text_or_none(raw: str | None) -> str | None:
    return raw.strip() if raw is not None and raw.strip() else None
