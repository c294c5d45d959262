"""Dates and timestamps as sources write them: ISO, UK day-first, month names, Excel serials.

Ambiguous numeric dates are read day-first (UK) and month-first only when day-first is impossible
("04/13/2023"). Timestamps come back as naive UTC (an offset, when given, is applied first), which
is what the store's DateTime columns hold. Unparseable non-empty input raises ValueError.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import NoReturn

_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, allowing for its 1900 leap-year bug
_EXCEL_RANGE = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10: serials outside this are not dates
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_NAME_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_TIME_PART = re.compile(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


def parse_date(value: object) -> date | None:
    """A calendar date from the usual spellings; None when empty, ValueError when unreadable."""
    if value is None or isinstance(value, bool):
        return None if value is None else _fail(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return _excel(value, value)
    text = str(value).strip()
    if not text:
        return None
    lowered = " ".join(text.lower().split())
    stamp = _TIME_PART.search(lowered)
    if stamp:  # "2023-04-13T10:00:00Z": the date as written is what we want
        lowered = lowered[: stamp.start()].strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", lowered):
        return _excel(float(lowered), value)
    return _from_words(lowered) or _from_numbers(lowered) or _fail(value)


def parse_datetime(value: object) -> datetime | None:
    """A timestamp as naive UTC; a date alone means midnight. None when empty, ValueError if unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _naive_utc(value)
    text = value.strip() if isinstance(value, str) else None
    if text == "":
        return None
    if text:
        iso = re.sub(r"[zZ]$", "+00:00", text.replace(" ", "T", 1) if _TIME_PART.search(text) else text)
        try:
            return _naive_utc(datetime.fromisoformat(iso))
        except ValueError:
            pass
        found = _TIME_PART.search(text)
        if found:  # "13/04/2023 10:00": a non-ISO date with a time
            day = parse_date(text[: found.start()]) or _fail(value)
            clock = found.group(0).strip(" Tt").upper().rstrip("Z")
            try:
                return _naive_utc(datetime.fromisoformat(f"{day}T{clock}"))
            except ValueError:
                _fail(value)
    only_date = parse_date(value)
    return datetime.combine(only_date, time()) if only_date else None


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _excel(serial: float, original: object) -> date:
    if not _EXCEL_RANGE[0] <= serial <= _EXCEL_RANGE[1]:
        _fail(original)
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _from_words(text: str) -> date | None:
    for pattern, day_i, month_i in ((_DAY_MONTH_NAME, 1, 2), (_MONTH_NAME_DAY, 2, 1)):
        match = pattern.match(text)
        if match and match.group(month_i) in _MONTHS:
            return _make(int(match.group(3)), _MONTHS[match.group(month_i)], int(match.group(day_i)))
    return None


def _from_numbers(text: str) -> date | None:
    match = _NUMERIC.match(text)
    if not match:
        return None
    a, b, c = (int(g) for g in match.groups())
    if len(match.group(1)) == 4:  # 2023-04-13, 2023/04/13
        return _make(a, b, c)
    year = c + 2000 if len(match.group(3)) == 2 else c
    if len(match.group(3)) not in (2, 4):
        return None
    return _make(year, b, a) or _make(year, a, b)  # day-first, then month-first if that is impossible


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _fail(value: object) -> NoReturn:
    raise ValueError(f"'{value}' is not a date this importer can read (use YYYY-MM-DD)")
