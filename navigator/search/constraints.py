"""Turn a request (and what understanding found in its text) into checked constraints and a mask.

Explicit parameters are hard filters; wishes found in the text ("free", "Saturday", "online") only
rank, because a listing that does not state them may still fit. Age is the exception: a service
whose eligibility excludes the person's age is of no use to them, however it was said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from navigator.geo.distance import miles_to_km
from navigator.geo.outcodes import OutcodeTable
from navigator.search.facts import fold
from navigator.search.filters import FREE_YES, FilterArrays
from navigator.search.schema import (
    DAY_ALIASES,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    MAX_RADIUS_KM,
    MODE_ALIASES,
    SearchInputError,
    SearchRequest,
)

_SENTENCE_END = re.compile(r"[.!?]\s")


@dataclass
class Constraints:
    text: str
    limit: int
    offset: int
    lat: float | None = None
    lon: float | None = None
    place_label: str | None = None
    place_kind: str | None = None
    place_outcodes: tuple[str, ...] = ()
    radius_km: float | None = None
    radius_explicit: bool = False
    free_only: bool = False
    age: int | None = None
    days: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    category: str | None = None  # folded key
    include_inactive: bool = False
    messages: list[str] = field(default_factory=list)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.lat is not None
            or self.free_only
            or self.age is not None
            or self.days
            or self.modes
            or self.category
        )


def truncate_query(text: str, limit: int = MAX_QUERY_CHARS) -> tuple[str, bool]:
    """Cut a very long message at the last sentence (else word) boundary before `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    cut = ends[-1] if ends and ends[-1] > limit // 2 else (head.rfind(" ") if " " in head else limit)
    return head[:cut].strip(), True


def _day(value: str) -> str:
    code = DAY_ALIASES.get(value.strip().lower())
    if code is None:
        raise SearchInputError("day", f"day={value!r} is not a day of the week: use e.g. 'monday' or 'MO'.")
    return code


def _mode(value: str) -> str:
    mode = MODE_ALIASES.get(value.strip().lower())
    if mode is None:
        raise SearchInputError(
            "mode", f"mode={value!r} is not known: use in_person, online, phone or home_visit."
        )
    return mode


def resolve(
    request: SearchRequest, filters: FilterArrays, table: OutcodeTable, default_radius_km: float
) -> Constraints:
    """Check a request; raises SearchInputError (a 422) for values no search can use."""
    if not 1 <= request.limit <= MAX_LIMIT:
        raise SearchInputError("limit", f"limit must be between 1 and {MAX_LIMIT} (got {request.limit}).")
    if not 0 <= request.offset <= MAX_OFFSET:
        raise SearchInputError("offset", f"offset must be between 0 and {MAX_OFFSET} (got {request.offset}).")
    text, cut = truncate_query(request.q or "")
    c = Constraints(
        text=text, limit=request.limit, offset=request.offset, include_inactive=request.include_inactive
    )
    if cut:
        c.messages.append(f"Your message was long, so only its first {len(text)} characters were searched.")
    if request.radius_km is not None and request.radius_miles is not None:
        raise SearchInputError("radius_km", "Give radius_km or radius_miles, not both.")
    radius = (
        request.radius_km
        if request.radius_km is not None
        else (miles_to_km(request.radius_miles) if request.radius_miles is not None else None)
    )
    if radius is not None:
        name = "radius_km" if request.radius_km is not None else "radius_miles"
        if not (0 < radius <= MAX_RADIUS_KM) or radius != radius:
            raise SearchInputError(
                name,
                f"{name} must be more than 0 and at most {MAX_RADIUS_KM:g} km "
                f"({MAX_RADIUS_KM / 1.609344:.0f} miles).",
            )
        c.radius_km, c.radius_explicit = float(radius), True
    if request.age is not None:
        if not 0 <= request.age <= 120:
            raise SearchInputError("age", f"age must be between 0 and 120 (got {request.age}).")
        c.age = request.age
    if request.day:
        c.days = [_day(d) for d in request.day.split(",") if d.strip()]
    if request.mode:
        c.modes = [_mode(m) for m in request.mode.split(",") if m.strip()]
    c.free_only = bool(request.free)
    if request.category:
        key = fold(request.category)
        if key not in filters.categories:
            raise SearchInputError("category", _unknown_category(request.category, filters))
        c.category = key
    if request.postcode and request.postcode.strip():
        place = table.find_place(request.postcode.strip())
        if place is None:
            c.messages.append(
                f"We could not find the postcode or place {request.postcode.strip()!r}, so results are "
                "not sorted by distance. Check it, or try the first half of the postcode (e.g. 'CT20')."
            )
        else:
            c.lat, c.lon, c.place_label, c.place_kind = place.lat, place.lon, place.label, place.kind
            c.place_outcodes = place.outcodes
            c.radius_km = c.radius_km or default_radius_km
    elif c.radius_explicit and not text:
        c.messages.append("A radius needs a postcode or place to measure from; it was ignored.")
    return c


def _unknown_category(value: str, filters: FilterArrays) -> str:
    from rapidfuzz import process

    labels = list(filters.category_labels.values())
    close = [m[0] for m in process.extract(value, labels, limit=3, score_cutoff=60)]
    hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
    return f"category={value!r} is not a category in this directory.{hint}"


def base_mask(c: Constraints, f: FilterArrays) -> np.ndarray:
    """The hard filters as one boolean array."""
    mask = np.ones(f.n, dtype=bool) if c.include_inactive else f.active.copy()
    if c.age is not None:
        mask &= f.age_fits(c.age)
    if c.free_only:
        mask &= f.free == FREE_YES
    if c.days:
        mask &= f.open_on(c.days)
    if c.modes:
        mask &= f.offers_mode(c.modes)
    if c.category:
        mask &= f.categories.mask([c.category], f.n)
    return mask
