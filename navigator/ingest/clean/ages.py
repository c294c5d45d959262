"""Ages: a single age cell ("16+", "18 years") and age ranges in eligibility wording ("aged 16 to 25").

Conventions, chosen to match how UK listings are written: "over 50s", "over 50" and "50+" all mean
50 and older; "under 18" means up to 17, while "up to 18" and "18 and under" mean up to 18.
Wording in months ("0-6 months") is not read as years.
"""

from __future__ import annotations

import math
import re

MAX_AGE = 120

_AGE_CELL = re.compile(
    r"^(?:aged?\s*)?(\d{1,3}(?:\.0+)?)\s*(?:\+|plus|years?(?:\s*old)?|yrs?|y\.?o\.?|y|s|and\s+over)?$"
)
_NUM = r"(\d{1,3})(?![\d,])"
_YEARS = r"(?:\s*(?:s|yrs?|years?(?:\s*olds?)?|y/?o))?"
_NO_NUMBER_NEXT = r"(?!\s*(?:the\s+age\s+of\s+)?\d)"
_NOT_MONTHS = r"(?!\s*(?:months?|mths?|weeks?|wks?|days?|m\b|pm|am|:|\.\d|%))"
_RANGE = re.compile(
    rf"(?<![\d£$€:.]){_NUM}{_YEARS}\s*(?:-|–|—|to|until|through)\s*{_NUM}{_YEARS}{_NOT_MONTHS}", re.IGNORECASE
)
_BETWEEN = re.compile(rf"between\s+(?:the\s+ages?\s+(?:of\s+)?)?{_NUM}\s+and\s+{_NUM}{_NOT_MONTHS}", re.I)
_AGE_OF = r"(?:the\s+age\s+of\s+)?"
_OVER = re.compile(
    r"(?:over|above|older\s+than|from\s+(?:the\s+)?age(?:\s+of)?|at\s+least|minimum(?:\s+age)?(?:\s+of)?)"
    rf"\s+{_AGE_OF}{_NUM}{_YEARS}{_NOT_MONTHS}",
    re.IGNORECASE,
)
_PLUS = re.compile(
    rf"(?<![\d£$€:.]){_NUM}{_YEARS}\s*"
    r"(?:\+|plus\b|and\s+(?:over|above|older)\b|or\s+(?:over|older)\b)"
    rf"{_NO_NUMBER_NEXT}{_NOT_MONTHS}",
    re.IGNORECASE,
)
_UNDER = re.compile(
    rf"(?:under|below|younger\s+than|less\s+than)\s+{_AGE_OF}{_NUM}{_YEARS}{_NOT_MONTHS}", re.IGNORECASE
)
_UP_TO = re.compile(
    rf"(?:up\s+to|maximum(?:\s+age)?(?:\s+of)?)\s+{_AGE_OF}{_NUM}{_YEARS}{_NOT_MONTHS}", re.IGNORECASE
)
_AND_UNDER = re.compile(
    rf"(?<![\d£$€:.]){_NUM}{_YEARS}\s*(?:and|or)\s+(?:under|younger|below)\b{_NO_NUMBER_NEXT}", re.IGNORECASE
)


def parse_age(value: object) -> int | None:
    """An age from a cell: 16, "16", "16+", "18 years", "16.0"; "" / "adults" / None give None.

    Raises ValueError for a number that cannot be an age (negative, over 120, fractional).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = _AGE_CELL.match(" ".join(str(value).lower().split()))
        if not match:
            text = str(value).strip()
            if re.fullmatch(r"-\d+(?:\.\d+)?", text):
                raise ValueError(f"age '{text}' is not a possible age")
            return None
        number = float(match.group(1))
    if math.isnan(number):
        return None
    if not (0 <= number <= MAX_AGE) or number != int(number):
        raise ValueError(f"age '{value}' is not a plausible age (0-{MAX_AGE})")
    return int(number)


def ages_from_text(text: str) -> tuple[int | None, int | None]:
    """(minimum, maximum) from eligibility wording; (None, None) when it names no clear age range.

    A range wins ("aged 16 to 25", "18-25", "between 16 and 25"); otherwise one lower bound and one
    upper bound may combine ("over 16 and under 25" → (16, 24)). Contradictions give (None, None).
    """
    for pattern in (_BETWEEN, _RANGE):
        for match in pattern.finditer(text):
            first, last = int(match.group(1)), int(match.group(2))
            if _plausible(first) and _plausible(last) and first < last:
                return first, last
    lows = [int(m.group(1)) for p in (_OVER, _PLUS) for m in p.finditer(text)]
    highs = [int(m.group(1)) - 1 for m in _UNDER.finditer(text)]
    highs += [int(m.group(1)) for p in (_UP_TO, _AND_UNDER) for m in p.finditer(text)]
    lows = sorted({a for a in lows if _plausible(a)})
    highs = sorted({a for a in highs if _plausible(a)})
    if len(lows) > 1 or len(highs) > 1:
        return None, None  # "under 5s and over 65s": two groups, not one range
    low = lows[0] if lows else None
    high = highs[0] if highs else None
    if low is not None and high is not None and low > high:
        return None, None
    return low, high


def _plausible(age: int) -> bool:
    return 0 <= age <= MAX_AGE
