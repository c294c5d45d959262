"""Opening times for people: "Tuesdays 10:00–12:00" and the next opening from now."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from navigator.search.facts import DAY_NAMES, DAYS

LONDON = ZoneInfo("Europe/London")


def _days(byday: list[str]) -> list[int]:
    out = []
    for token in byday or []:
        code = token.strip().upper()
        if code[-2:] in DAYS:
            out.append(DAYS.index(code[-2:]))
    return sorted(set(out))


def _ordinal(byday: list[str]) -> bool:
    return any(len(t.strip()) > 2 for t in byday or [])


def schedule_line(s: dict[str, Any]) -> str | None:
    """One schedule as a short line; the publisher's own wording when it has no structure."""
    days = _days(s.get("byday") or [])
    hours = f" {s['opens_at']}–{s['closes_at']}" if s.get("opens_at") and s.get("closes_at") else ""
    if days and not _ordinal(s.get("byday") or []):
        return ", ".join(DAY_NAMES[d] for d in days) + hours
    description = (s.get("description") or "").strip()
    if description:
        return description[:80]
    if days:
        return ", ".join(DAY_NAMES[d] for d in days) + hours
    return None


def next_opening(schedules: list[dict[str, Any]], now: datetime | None = None) -> str | None:
    """The next weekly opening ("Tue 25 Nov, 10:00"); None when no schedule says when."""
    now = now or datetime.now(LONDON)
    best: datetime | None = None
    for s in schedules:
        if _ordinal(s.get("byday") or []) or (s.get("freq") or "WEEKLY").upper() != "WEEKLY":
            continue
        opens = s.get("opens_at") or "00:00"
        try:
            hour, minute = (int(x) for x in opens.split(":")[:2])
        except ValueError:
            continue
        for day in _days(s.get("byday") or []):
            ahead = (day - now.weekday()) % 7
            when = (now + timedelta(days=ahead)).replace(hour=hour, minute=minute, second=0, microsecond=0)
            if when < now:
                when += timedelta(days=7)
            if best is None or when < best:
                best = when
    if best is None:
        return None
    return best.strftime("%a %d %b") + (best.strftime(", %H:%M") if best.hour or best.minute else "")
