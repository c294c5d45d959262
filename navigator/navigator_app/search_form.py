"""The search page's GET form: every parameter read as text and checked here, so that garbage in any
field becomes a friendly note on the page (and the field is ignored), never an error page.

Parameters: q, where (postcode or town), radius (miles), free, age, day, mode (repeatable),
category, page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from navigator.geo.distance import miles_to_km
from navigator.search.schema import DAY_ALIASES, MAX_OFFSET, MODE_ALIASES, SearchRequest

PAGE_SIZE = 10
MAX_PAGE = MAX_OFFSET // PAGE_SIZE + 1
MAX_Q_CHARS = 20_000  # longer than this is refused outright; the search cuts at 1,000 anyway
MAX_FIELD_CHARS = 200
RADIUS_MILES = (1, 2, 5, 10, 20, 50)
DAYS = (
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
)
MODES = (
    ("in_person", "In person"),
    ("online", "Online"),
    ("phone", "By phone"),
    ("home_visit", "Home visit"),
)
DAY_LABELS = dict(DAYS)
MODE_LABELS = dict(MODES)


@dataclass(frozen=True)
class SearchForm:
    """The checked form. Empty strings / None mean "not given"."""

    q: str = ""
    where: str = ""
    radius: int | None = None  # miles, one of RADIUS_MILES
    free: bool = False
    age: int | None = None
    day: str | None = None  # an ORUK day code
    modes: tuple[str, ...] = ()
    category: str = ""
    page: int = 1
    notes: tuple[str, ...] = field(default=(), compare=False)  # what was ignored, and why

    @property
    def submitted(self) -> bool:
        """Is there anything to search for (text or a filter)?"""
        return bool(
            self.q
            or self.where
            or self.free
            or self.age is not None
            or self.day
            or self.modes
            or self.category
        )

    @property
    def has_filters(self) -> bool:
        return bool(
            self.radius or self.free or self.age is not None or self.day or self.modes or self.category
        )

    def to_request(self) -> SearchRequest:
        return SearchRequest(
            q=self.q,
            postcode=self.where or None,
            radius_km=miles_to_km(self.radius) if self.radius and self.where else None,
            free=True if self.free else None,
            age=self.age,
            day=self.day,
            mode=",".join(self.modes) or None,
            category=self.category or None,
            limit=PAGE_SIZE,
            offset=(self.page - 1) * PAGE_SIZE,
        )

    def params(self, **changes: object) -> dict[str, object]:
        """The form as query parameters, with `changes` applied (None/""/False drop a parameter)."""
        form = replace(self, **changes)  # type: ignore[arg-type]
        pairs: dict[str, object] = {
            "q": form.q,
            "where": form.where,
            "radius": form.radius,
            "free": "1" if form.free else None,
            "age": form.age,
            "day": form.day,
            "mode": list(form.modes),
            "category": form.category,
            "page": form.page if form.page > 1 else None,
        }
        return {k: v for k, v in pairs.items() if v not in (None, "", [])}

    def url(self, path: str = "/", **changes: object) -> str:
        """A link to this search with `changes` (page goes back to 1 unless given)."""
        changes.setdefault("page", 1)
        return f"{path}?{urlencode(self.params(**changes), doseq=True)}"


def _one(params: Mapping[str, Sequence[str]], name: str) -> str:
    values = params.get(name) or []
    return values[-1].strip() if values else ""


def _clean(text: str) -> str:
    """Control characters out, whitespace folded."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def parse_form(params: Mapping[str, Sequence[str]]) -> SearchForm:
    """Read the search form from query parameters (name → every value given)."""
    notes: list[str] = []
    raw_q = _one(params, "q")
    if len(raw_q) > MAX_Q_CHARS:
        notes.append(f"What you typed was very long ({len(raw_q):,} characters), so only the start was used.")
        raw_q = raw_q[:MAX_Q_CHARS]
    q = _clean(raw_q)
    where = _clean(_one(params, "where"))[:MAX_FIELD_CHARS]
    radius = _radius(_one(params, "radius"), notes)
    age = _age(_one(params, "age"), notes)
    day = _day(_one(params, "day"), notes)
    modes = _modes(params.get("mode") or [], notes)
    category = _clean(_one(params, "category"))[:MAX_FIELD_CHARS]
    free = _one(params, "free").lower() in ("1", "true", "yes", "on")
    page = _page(_one(params, "page"), notes)
    return SearchForm(q, where, radius, free, age, day, modes, category, page, tuple(notes))


def _radius(value: str, notes: list[str]) -> int | None:
    if not value or value in ("any", "0"):
        return None
    try:
        miles = float(value)
    except ValueError:
        miles = -1.0
    if miles != miles or miles <= 0:
        notes.append(f"“{value[:40]}” is not a distance, so no distance limit was used.")
        return None
    if miles > RADIUS_MILES[-1]:
        notes.append(f"{value[:40]} miles is further than we search; we used {RADIUS_MILES[-1]} miles.")
        return RADIUS_MILES[-1]
    return min(RADIUS_MILES, key=lambda r: (abs(r - miles), r))


def _age(value: str, notes: list[str]) -> int | None:
    if not value:
        return None
    try:
        age = int(value)
    except ValueError:
        age = -1
    if not 0 <= age <= 120:
        notes.append(f"“{value[:40]}” is not an age (a whole number from 0 to 120), so age was not used.")
        return None
    return age


def _day(value: str, notes: list[str]) -> str | None:
    if not value or value.lower() == "any":
        return None
    code = DAY_ALIASES.get(value.lower())
    if code is None:
        notes.append(f"“{value[:40]}” is not a day of the week, so the day was not used.")
    return code


def _modes(values: Sequence[str], notes: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values[:8]:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            mode = MODE_ALIASES.get(part.lower())
            if mode is None:
                notes.append(f"“{part[:40]}” is not a way of getting help we know, so it was not used.")
            elif mode not in out:
                out.append(mode)
    return tuple(out)


def _page(value: str, notes: list[str]) -> int:
    if not value:
        return 1
    try:
        page = int(value)
    except ValueError:
        page = 0
    if page < 1:
        notes.append(f"“{value[:40]}” is not a page number; showing the first page.")
        return 1
    if page > MAX_PAGE:
        notes.append(f"We show at most {MAX_PAGE} pages; showing the last one.")
        return MAX_PAGE
    return page
