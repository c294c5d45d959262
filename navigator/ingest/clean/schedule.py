"""Opening times and days: "10:30am" → "10:30", "mon-fri" → MO..FR, RFC 5545 rule parts.

Weekday numbers: HSDS 1.x declares `weekday` an integer without saying how days are numbered, and
the one real HSDS 1.x package we have (211 Miami, regular_schedules.csv) writes day *names*
("Monday") despite that. Numbers are therefore read as ISO 8601 (1 = Monday ... 7 = Sunday), with
0 also accepted as Sunday (the cron / JavaScript convention), since nothing else uses 0.
"""

from __future__ import annotations

import re

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ALIASES = {"weds": "WE", "wednes": "WE", "thur": "TH", "thurs": "TH", "tues": "TU", "tue": "TU"}
_GROUPS = {
    "weekday": DAYS[:5], "weekdays": DAYS[:5], "weekend": DAYS[5:], "weekends": DAYS[5:],
    "daily": DAYS, "everyday": DAYS,
}  # fmt: skip
_ORDINALS = {
    "1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4,
    "5th": 5, "fifth": 5, "last": -1,
}  # fmt: skip
_RANGE_WORDS = frozenset({"-", "–", "—", "to", "through", "thru", "till", "until"})
_RULE_DAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
_TIME = re.compile(
    r"^(\d{1,2})(?:[:.](\d{1,2}))?(?::(\d{2})(?:\.\d+)?)?\s*(a\.?m?\.?|p\.?m?\.?|m)?\s*(?:z|[+-]\d{2}:?\d{2})?$"
)
_FREQS = frozenset({"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"})


def parse_time(value: object) -> str | None:
    """ "HH:MM" from "10:30am", "2pm", "14.30", "1400", "10:00:00", "noon", "midday", "midnight".

    None when empty; ValueError when present but not a time of day. "24:00" is kept (end of day).
    """
    if value is None:
        return None
    text = " ".join(str(value).lower().split())
    if not text:
        return None
    if text in ("noon", "midday", "12 noon", "12noon"):
        return "12:00"
    if text == "midnight":
        return "00:00"
    if "(" in text and not text.startswith("("):  # "12:00pm (dispensing)": the note is not the time
        text = text.split("(", 1)[0].strip()
    compact = text.replace(" ", "") if re.fullmatch(r"\d{3,4}\s*[ap]\.?m?\.?", text) else text
    if re.fullmatch(r"\d{3,4}(?:\s*[ap]\.?m?\.?)?", compact):  # "1400", "830am"
        digits = re.match(r"\d+", compact).group(0)  # type: ignore[union-attr]
        compact = f"{digits[:-2]}:{digits[-2:]}{compact[len(digits) :]}"
    match = _TIME.match(compact)
    if not match:
        raise ValueError(f"'{value}' is not a time of day (use HH:MM, e.g. 09:30 or 14:00)")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    marker = (match.group(4) or "").replace(".", "")
    if marker.startswith(("a", "p")):
        if not 0 <= hour <= 12:
            raise ValueError(f"'{value}' is not a time of day (use HH:MM, e.g. 09:30 or 14:00)")
        hour = hour % 12 + (12 if marker.startswith("p") else 0)
    if (hour, minute) == (24, 0):
        return "24:00"
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"'{value}' is not a time of day (use HH:MM, e.g. 09:30 or 14:00)")
    return f"{hour:02d}:{minute:02d}"


def parse_byday(value: object) -> list[str]:
    """RFC 5545 BYDAY values ("MO", "2SU", "-1FR") in week order, from the ways people write days.

    Accepts "Monday", "Mon", "mon-fri", "MO,TU", "Mon, Tue, Thu & Fri", "weekdays", "weekends",
    "daily", "every 2nd Sunday", "last Friday", weekday numbers (see module docstring) and lists
    of any of these. Empty gives []; wording with no day in it raises ValueError.
    """
    if value is None or value == "" or value == []:
        return []
    parts = value if isinstance(value, list | tuple) else [value]
    found: list[str] = []
    for part in parts:
        if isinstance(part, bool) or part is None:
            continue
        for day in _days_in(part):
            if day not in found:
                found.append(day)
    if not found:
        raise ValueError(f"could not find a day of the week in '{value}'")
    return sorted(found, key=_week_order)


def _week_order(rule_day: str) -> tuple[int, int]:
    match = _RULE_DAY.match(rule_day)
    ordinal = int(match.group(1) or 0) if match else 0
    return DAYS.index(rule_day[-2:]), ordinal if ordinal >= 0 else 10 - ordinal


def _days_in(part: object) -> list[str]:
    if isinstance(part, int | float):
        day = _numbered(part)
        return [day] if day else []
    text = str(part).strip()
    rule = [t.strip() for t in text.upper().split(",")]
    if all(_RULE_DAY.match(t) for t in rule):
        return [t.lstrip("+") for t in rule]
    numbers = re.split(r"[\s,;/]+", text)
    if all(re.fullmatch(r"\d", n) for n in numbers):
        return [d for d in (_numbered(int(n)) for n in numbers) if d]
    return _days_in_words(text.lower())


def _numbered(number: float) -> str | None:
    if not 0 <= number <= 7 or number != int(number):  # range first: NaN and inf fail it
        return None
    return DAYS[int(number) - 1] if number else "SU"


def _days_in_words(text: str) -> list[str]:
    tokens = re.findall(r"[a-z]+|\d+(?:st|nd|rd|th)|[-–—]", text.replace("every day", "everyday"))
    found: list[str] = []
    ordinals: list[int] = []
    previous: str | None = None  # last day seen, for ranges like "mon-fri"
    ranging = False
    for token in tokens:
        day = _day(token)
        if day is not None:
            if ranging and previous is not None:
                found += _span(previous, day)
            elif ordinals:
                found += [f"{n}{day}" for n in ordinals]
            else:
                found.append(day)
            previous, ranging, ordinals = day, False, []
        elif token in _GROUPS:
            found += _GROUPS[token]
            previous, ranging = None, False
        elif token in _ORDINALS:
            ordinals.append(_ORDINALS[token])
        elif token in _RANGE_WORDS and previous is not None:
            ranging = True
        elif token not in ("and", "or", "every", "each", "on", "the", "of", "month", "s"):
            ranging = False
    return found


def _day(token: str) -> str | None:
    if token in _ALIASES:
        return _ALIASES[token]
    word = token[:-1] if token.endswith("days") else token  # "mondays"
    if len(word) < 3:  # two letters are codes ("MO"), handled as rule parts; in prose "we" is a word
        return None
    matches = [DAYS[i] for i, name in enumerate(_NAMES) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _span(first: str, last: str) -> list[str]:
    """Days from first to last inclusive, wrapping past Sunday ("fri-mon")."""
    start, end = DAYS.index(first), DAYS.index(last)
    return [DAYS[(start + i) % 7] for i in range((end - start) % 7 + 1)]


def parse_bymonthday(value: object) -> list[int]:
    """Days of the month (1..31, or -31..-1 counting from the end) from "2,3,4" or a list."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,;]+", str(value).strip())
    days: list[int] = []
    for item in items:
        text = str(item).strip().rstrip("stndrh")  # "2nd" → "2"
        if not re.fullmatch(r"-?\d{1,2}", text) or not 1 <= abs(int(text)) <= 31:
            raise ValueError(f"'{value}' is not a list of days of the month (1-31)")
        if int(text) not in days:
            days.append(int(text))
    return days


def parse_freq(value: object) -> str | None:
    """RFC 5545 FREQ ("WEEKLY", "MONTHLY", ...); "weekly"/"Monthly" accepted. ValueError otherwise."""
    if value is None:
        return None
    text = str(value).strip().upper()
    if not text:
        return None
    if text in _FREQS:
        return text
    if text in ("FORTNIGHTLY", "BIWEEKLY"):
        return "WEEKLY"  # with interval 2, which the caller sets
    raise ValueError(f"'{value}' is not a repeat frequency (use WEEKLY, MONTHLY, ...)")
