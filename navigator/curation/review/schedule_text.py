"""Opening times as the spreadsheet template writes them ("Tue 10:00-12:00; Mon-Fri 09:00-17:00;
1st Sun 10:30-12:30"), so the editor shows a listing's hours in the syntax curators already know and
reads them back with the template's own parser (`parse_opening_times`)."""

from __future__ import annotations

import re

from navigator.ingest.record import Schedule

_WEEK = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SHORT = dict(zip(_WEEK, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
_ORDINAL = {"1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "5": "5th", "-1": "last"}
_DAY = re.compile(r"^(-?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


def schedules_to_text(schedules: list[Schedule]) -> tuple[str, str, int]:
    """(opening_times, opening_notes, how many entries could only be shown as notes).

    Weekly and "nth weekday of the month" entries become template text; entries with a wording
    only (or rules the template cannot say, such as every other week) go to the notes as words."""
    parts: list[str] = []
    notes: list[str] = []
    as_notes = 0
    for s in schedules:
        text = _entry_text(s)
        if text:
            parts.append(text)
            if s.description and s.description not in notes:
                notes.append(s.description)
        elif s.description or s.notes:
            wording = s.description or s.notes or ""
            if wording not in notes:
                notes.append(wording)
            as_notes += bool(s.opens_at or s.byday)
        elif s.opens_at or s.byday:
            as_notes += 1
    return "; ".join(dict.fromkeys(parts)), "\n".join(notes), as_notes


def _entry_text(s: Schedule) -> str | None:
    if not (s.byday and s.opens_at and s.closes_at) or s.bymonthday or s.valid_from or s.valid_to:
        return None
    if s.interval not in (None, 1) or s.freq not in (None, "WEEKLY", "MONTHLY"):
        return None
    parsed = [_DAY.match(d) for d in s.byday]
    if not all(parsed):
        return None
    ordinals = {p.group(1) or "" for p in parsed if p}
    days = [p.group(2) for p in parsed if p]
    if len(ordinals) != 1:
        return None
    ordinal = ordinals.pop()
    if ordinal and (s.freq != "MONTHLY" or ordinal not in _ORDINAL):
        return None
    if not ordinal and s.freq == "MONTHLY":
        return None
    prefix = f"{_ORDINAL[ordinal]} " if ordinal else ""
    return f"{prefix}{_days_text(days)} {s.opens_at}-{s.closes_at}"


def _days_text(days: list[str]) -> str:
    """ "MO,TU,WE,TH,FR" → "Mon-Fri"; "MO,WE" → "Mon, Wed" (runs of three or more become ranges)."""
    order = sorted(dict.fromkeys(days), key=_WEEK.index)
    runs: list[list[str]] = []
    for day in order:
        if runs and _WEEK.index(day) == _WEEK.index(runs[-1][-1]) + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    words = []
    for run in runs:
        if len(run) >= 3:
            words.append(f"{_SHORT[run[0]]}-{_SHORT[run[-1]]}")
        else:
            words.extend(_SHORT[d] for d in run)
    return ", ".join(words)
