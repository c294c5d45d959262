"""Schedules back into the spreadsheet template's `opening_times` syntax (docs/spreadsheet-template.md).

A schedule is written as a part ("Mon-Thu 09:30-12:30", "2nd Sun 10:30-12:30") only when the
template reader would read that part back as the same schedule, which is checked by reading it.
Anything the syntax cannot say (an interval, days of the month, valid dates, a description
alongside times) is written in words in `opening_notes`, where people still see it.
"""

from __future__ import annotations

from navigator.ingest import record as rec
from navigator.ingest.readers.spreadsheet_columns import parse_opening_times

WEEK = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_WORDS = dict(zip(WEEK, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
ORDINAL_WORDS = {"1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "5": "5th", "-1": "last"}


def render(schedules: list[rec.Schedule]) -> tuple[str, str]:
    """(`opening_times`, `opening_notes`) cells for a listing's schedules."""
    parts: list[str] = []
    notes: list[str] = []
    for schedule in schedules:
        part = as_part(schedule)
        if part is None:
            texts = [in_words(schedule)]
        else:
            parts.append(part)
            # Wording that only repeats the part ("Mon-Thu 09:30-12:30") is not worth a note.
            texts = [t for t in (schedule.description, schedule.notes) if t and not _says(t, part)]
        notes.extend(t for t in texts if t and t not in notes)
    # The reader turns a part it cannot parse into a description-only schedule, in order, before
    # `opening_notes`: so every note but the last can travel as such a part, when that is safe.
    free_parts = [n for n in notes[:-1] if _reads_back_as_words(n)]
    if notes and len(free_parts) == len(notes) - 1:
        return "; ".join(parts + free_parts), notes[-1]
    return "; ".join(parts), "; ".join(notes)


def as_part(s: rec.Schedule) -> str | None:
    """The days and hours as one `opening_times` part, or None when the syntax cannot say them
    exactly (a description or notes, if any, are the caller's to keep)."""
    if not (s.byday and s.opens_at and s.closes_at):
        return None
    if s.bymonthday or s.valid_from or s.valid_to or s.interval not in (None, 1):
        return None
    ordinals = {day[:-2] for day in s.byday}
    if len(ordinals) != 1:
        return None
    ordinal = ordinals.pop()
    days = [day[-2:] for day in s.byday]
    if ordinal and ordinal not in ORDINAL_WORDS:
        return None
    if any(day not in WEEK for day in days):
        return None
    text = f"{ORDINAL_WORDS[ordinal] + ' ' if ordinal else ''}{_day_list(days)} {s.opens_at}-{s.closes_at}"
    expected = {
        "freq": "MONTHLY" if ordinal else "WEEKLY",
        "byday": ",".join(s.byday),
        "opens_at": s.opens_at,
        "closes_at": s.closes_at,
    }
    if (s.freq or expected["freq"]) != expected["freq"]:
        return None
    entries, bad = parse_opening_times(text)
    return text if not bad and entries == [expected] else None


def _day_list(days: list[str]) -> str:
    """Days in the record's order; runs of three or more consecutive days as a range ("Mon-Thu")."""
    out: list[str] = []
    i = 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and WEEK.index(days[j + 1]) == WEEK.index(days[j]) + 1:
            j += 1
        if j - i >= 2:
            out.append(f"{DAY_WORDS[days[i]]}-{DAY_WORDS[days[j]]}")
        else:
            out.extend(DAY_WORDS[d] for d in days[i : j + 1])
        i = j + 1
    return ", ".join(out)


def in_words(s: rec.Schedule) -> str:
    """Everything a schedule says, as one line for people."""
    if s.description and not (s.byday or s.opens_at or s.closes_at or s.bymonthday):
        when = ""
    else:
        when = " ".join(filter(None, [_repeat(s), _days_words(s), _hours(s)]))
    bits = [when, s.description or "", s.notes or ""]
    if s.valid_from or s.valid_to:
        span = f"from {s.valid_from or '…'} to {s.valid_to or '…'}"
        bits.insert(1, span)
    return "; ".join(b for b in bits if b)


def _repeat(s: rec.Schedule) -> str:
    if s.interval and s.interval > 1:
        unit = "months" if s.freq == "MONTHLY" else "weeks"
        return f"Every {s.interval} {unit}"
    return ""


def _days_words(s: rec.Schedule) -> str:
    days = []
    for day in s.byday:
        code, ordinal = day[-2:], day[:-2]
        name = DAY_WORDS.get(code, code)
        days.append(f"{ORDINAL_WORDS.get(ordinal, ordinal)} {name}" if ordinal else name)
    if s.bymonthday:
        days.append("day " + ", ".join(str(d) for d in s.bymonthday) + " of the month")
    return ", ".join(days)


def _hours(s: rec.Schedule) -> str:
    if s.opens_at and s.closes_at:
        return f"{s.opens_at}-{s.closes_at}"
    if s.opens_at:
        return f"from {s.opens_at}"
    return f"until {s.closes_at}" if s.closes_at else ""


def _reads_back_as_words(note: str) -> bool:
    """A note the reader keeps whole as a description when it is written as an `opening_times` part."""
    if ";" in note or "\n" in note:
        return False
    entries, bad = parse_opening_times(note)
    return not entries and bad == [note.strip()] and note == note.strip()


def _says(text: str, part: str) -> bool:
    """Whether `text` reads as exactly the schedule `part` does."""
    entries, bad = parse_opening_times(text)
    return not bad and entries == parse_opening_times(part)[0]
