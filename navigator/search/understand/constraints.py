"""Practical constraints: free, which days, what time of day, and how (online, phone, home visit).

Only constraints the person states as wishes count: "every night to get to sleep" is not an evening
preference, "goes through my phone" is not a phone service, "lost my job last Saturday" is not a day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FREE = re.compile(
    r"\b(?:(?:for|is it|it's|its|something|anything|must be|has to be|needs to be|only|totally|"
    r"completely)\s+)?"
    r"free\b(?!\s*(?:time|from|of|up|to|yourself|myself|themselves|will|speech|range|standing|lance))"
    r"|\bno cost\b|\bcosts? nothing\b|\bwithout (?:a )?(?:cost|charge|paying)\b|\bno charge\b"
    r"|\bdon'?t charge\b"
    r"|\bcan'?t afford\b|\bcannot afford\b|\bcan not afford\b|\bno money\b|\bskint\b|\bbrassic\b"
    r"|\bon a (?:tight|low|small) budget\b|\bnot much money\b|\blittle money\b|\bpenniless\b"
)
_NOT_FREE_BEFORE = re.compile(
    r"(?:feel|smoke|alcohol|drug|sugar|gluten|pain|hands|debt|symptom|fancy|dairy|nut|crime|carefree|be|set|break|"
    r"broke|stay|staying|keep|keeping|clean)[\s-]*$"
)

_DAYS = {
    "monday": "MO",
    "mondays": "MO",
    "mon": "MO",
    "tuesday": "TU",
    "tuesdays": "TU",
    "tues": "TU",
    "tue": "TU",
    "wednesday": "WE",
    "wednesdays": "WE",
    "weds": "WE",
    "wed": "WE",
    "thursday": "TH",
    "thursdays": "TH",
    "thurs": "TH",
    "thur": "TH",
    "friday": "FR",
    "fridays": "FR",
    "fri": "FR",
    "saturday": "SA",
    "saturdays": "SA",
    "sat": "SA",
    "sunday": "SU",
    "sundays": "SU",
    "sun": "SU",
}
_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]
_DAY_WORD = re.compile(r"\b(" + "|".join(sorted(_DAYS, key=len, reverse=True)) + r")\b")
_SHORT_DAYS = {"mon", "tue", "tues", "wed", "thur", "thurs", "fri", "sat", "sun"}
# "last Saturday", "since Monday", "on Friday I was sacked": a day in the past is not a wish.
_PAST_BEFORE = re.compile(r"(?:last|since|yesterday|ago|this past|past|every other)\s*$")
_WEEKEND = re.compile(r"\b(?:weekends?|week-ends?|sat(?:urday)?s? (?:and|&|or) sun(?:day)?s?)\b")
_WEEKDAY = re.compile(r"\b(?:weekdays?|week days?|during the week|monday to friday|mon-fri|mon to fri)\b")

_WHICH = (
    r"(?:a|an|one|saturday|sunday|monday|tuesday|wednesday|thursday|friday|weekend|weekday|"
    r"mon|tues?|wed|thurs?|fri|sat|sun)"
)
_TIMES = [
    (
        "morning",
        re.compile(
            rf"\b(?:mornings|(?:in|on|during) the mornings?|{_WHICH}\s+mornings?|"
            r"morning (?:session|class|group|club)s?|before (?:lunch|noon|midday)|am only)\b"
        ),
    ),
    (
        "afternoon",
        re.compile(
            rf"\b(?:afternoons|(?:in|during) the afternoons?|{_WHICH}\s+afternoons?|"
            r"afternoon (?:session|class|group|club)s?|after school|after lunch|pm only)\b"
        ),
    ),
    (
        "evening",
        re.compile(
            rf"\b(?:evenings|(?:in|during) the evenings?|{_WHICH}\s+evenings?|"
            r"evening (?:session|class|group|club)s?|after work|after 5|after five|after 6|"
            r"at night (?:time)?|night ?time|nights out)\b"
        ),
    ),
]

_MODES = [
    (
        "online",
        re.compile(
            r"\b(?:online|on-line|on zoom|via zoom|zoom (?:call|session|meeting|group)s?|on teams|"
            r"virtual(?:ly)?|video call(?:s)? (?:with|from) (?:someone|a)|web ?chat|live chat|"
            r"from (?:my )?home (?:on|via) (?:the )?(?:computer|laptop|internet))\b"
        ),
    ),
    (
        "phone",
        re.compile(
            r"\b(?:(?:by|over the|on the|via) (?:tele)?phone|phone ?calls?|telephone|phoneline|phone line|"
            r"helpline|help line|(?:ring|call|phone) me|someone to (?:ring|call|phone)|text (?:service|line)|"
            r"by text|ring (?:him|her|them) (?:up|for)|call (?:him|her) (?:up|for)|"
            r"someone (?:could|can|would) ring)\b"
        ),
    ),
    (
        "home_visit",
        re.compile(
            r"\b(?:home visits?|visit(?:s|ing)? (?:me|him|her|them|mum|dad) at home|"
            r"(?:come|comes|coming|pop|popping) (?:to|round to|round|over to|in to) "
            r"(?:the|my|our|his|her) (?:house|home|flat)|"
            r"come round|pop round|pop in|popping in|sit with (?:her|him|them)|at home visit|housebound|"
            r"house-bound|can'?t leave the house|"
            r"cannot leave the house|unable to leave the house|bed-?bound|bed ?ridden|"
            r"in (?:my|his|her|their) own home|someone to visit|someone to come (?:in|round|to))\b"
        ),
    ),
    (
        "in_person",
        re.compile(
            r"\b(?:in person|face to face|face-to-face|f2f|meet (?:in person|up)|drop-?in|"
            r"somewhere to go|go along to|get out of the house|real people|not online)\b"
        ),
    ),
]


@dataclass
class Constraints:
    free: bool | None = None
    days: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)


def find_constraints(text: str) -> Constraints:
    lowered = text.lower().replace("’", "'")
    found = Constraints()
    for m in _FREE.finditer(lowered):
        if "free" in m.group() and _NOT_FREE_BEFORE.search(lowered[: m.start() + m.group().find("free")]):
            continue
        found.free = True
        break
    days: list[str] = []
    if _WEEKDAY.search(lowered):
        days.extend(_WEEKDAYS)
    weekend = _WEEKEND.search(lowered)
    if weekend and not _PAST_BEFORE.search(lowered[: weekend.start()].removesuffix("the ")):
        days.extend(["SA", "SU"])
    for m in _DAY_WORD.finditer(lowered):
        word = m.group(1)
        if _PAST_BEFORE.search(lowered[: m.start()]):
            continue
        # "sat"/"sun"/"wed" are ordinary words; only as days next to a time or in a list of days
        if word in _SHORT_DAYS and not _day_context(lowered, m):
            continue
        days.append(_DAYS[word])
    found.days = [d for d in ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] if d in days]
    found.times = [name for name, pattern in _TIMES if pattern.search(lowered)]
    found.modes = [name for name, pattern in _MODES if pattern.search(lowered)]
    if "home_visit" in found.modes and "in_person" in found.modes:
        found.modes.remove(
            "in_person"
        )  # "get out of the house" beside "housebound" is the wish, not the format
    return found


def _day_context(lowered: str, m: re.Match[str]) -> bool:
    word = m.group(1)
    after = lowered[m.end() : m.end() + 14]
    before = lowered[max(0, m.start() - 6) : m.start()]
    if re.match(r"\s*(?:mornings?|afternoons?|evenings?|nights?|am\b|pm\b|\d)", after):
        return True
    if word in {"sat", "sun"}:  # "sat and cried", "the sun or rain": only next to a time
        return False
    return bool(
        re.match(r"\s*(?:[-/&,]|and\b|or\b|to\b)", after)
        or re.search(r"(?:\bon|[-/&,]|\band|\bor|\bto)\s*$", before)
    )
