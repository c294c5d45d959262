"""Who the support is for: an age, a life stage, a relation ("my daughter"), and case-note detection.

"I'm 81" → 81; "82F" → 82; "my 13 year old" → 13; "mid 40s" → 45; "in her eighties" → 85.
Durations and times ("for 15 years", "3 weeks ago", "at 10") are not ages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_DECADE_WORDS = {
    "teens": 10,
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}
_NUMBER_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|"
    r"seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_N = rf"(\d{{1,3}}|{_NUMBER_WORD})"
_NOT_AGE_AFTER = (
    r"(?!\s*(?:%|kg|st\b|stone|lbs?\b|pounds|quid|p\b|weeks?|months?|days?|hours?|mins?|minutes|am\b|pm\b|"
    r":|\.\d|times|miles|km|x\b|cans|pints|units|a day|a week|kids|children|of))"
)
_RELATION = (
    r"(?:son|daughter|child|kid|boy|girl|grandson|granddaughter|grandchild|mum|mother|dad|father|sister|"
    r"brother|wife|husband|partner|nan|gran|grandma|grandad|friend|neighbour|niece|nephew|teen|teenager)"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{_N}[\s-]*(?:years?|yrs?|yr)[\s-]*old\b"), "n"),
    (re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yrs?\s*old)\b"), "n"),
    (
        re.compile(
            rf"\b(?:i'?m|i am|im|iam|aged?|age:?|ages?d)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?"
            rf"{_N}\b{_NOT_AGE_AFTER}"
        ),
        "n",
    ),
    (
        re.compile(
            rf"\b(?:he|she|they)(?:'s|’s| is| are|s)\s+(?:only\s+|just\s+|nearly\s+)?"
            rf"(\d{{1,2}}|{_NUMBER_WORD})\b{_NOT_AGE_AFTER}"
        ),
        "n",
    ),
    (re.compile(rf"\b{_RELATION}s?\s*(?:is|,)?\s*\((\d{{1,2}})\)"), "n"),
    (
        re.compile(
            rf"\b{_RELATION}(?:'s|’s|s| is)\s+(?:only\s+|just\s+|nearly\s+)?(\d{{1,3}})\b{_NOT_AGE_AFTER}"
        ),
        "n",
    ),
    (re.compile(r"(?<![£$\d.])\b(\d{2,3})\s?([mf])\b(?!\s*(?:from|of|away|miles))"), "sexed"),
    (
        re.compile(
            r"\b(?:male|female|man|woman|gentleman|lady)[,\s]+(?:aged\s+)?(\d{2,3})\b" + _NOT_AGE_AFTER
        ),
        "n",
    ),
    # "Care leaver, 19, needs a flat": a bare number between commas after a word is an age.
    (re.compile(r"(?<=[a-z])\s*,\s*(\d{1,3})\s*,(?!\d)"), "n"),
    (re.compile(rf"\b(?:turned|turning|turn)\s+{_N}\b{_NOT_AGE_AFTER}"), "n"),
    (
        re.compile(
            r"\b(?:diagnos\w*|retired|widowed|redundant)\s+(?:\w+\s+){0,3}?(at\s+(\d{2}))\b" + _NOT_AGE_AFTER
        ),
        "at",
    ),
    (re.compile(r"\b(early|mid|late)[\s-]*(\d)0'?s\b"), "decade"),
    (
        re.compile(
            r"\b(early|mid|late)[\s-]*(teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b"
        ),
        "decade",
    ),
    (re.compile(r"\b(?:in\s+(?:my|his|her|their)\s+)(\d)0'?s\b"), "decade_plain"),
    (
        re.compile(
            r"\b(?:in\s+(?:my|his|her|their)\s+)(teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b"
        ),
        "decade_plain",
    ),
]


@dataclass(frozen=True)
class FoundAge:
    age: int
    start: int
    end: int


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    parts = re.split(r"[\s-]+", text)
    total = 0
    for p in parts:
        if p in _TENS:
            total += _TENS[p]
        elif p in _UNITS:
            total += _UNITS[p]
        else:
            return None
    return total


def _decade(word: str) -> int | None:
    if word.isdigit():
        return int(word) * 10
    return _DECADE_WORDS.get(word)


def find_age(text: str) -> FoundAge | None:
    """The first age stated in the message (lower-cased matching on the original text)."""
    lowered = text.lower()
    hits: list[FoundAge] = []
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(lowered):
            age: int | None
            start = m.start()
            if kind == "n":
                age = _number(m.group(1))
            elif kind == "at":  # "diagnosed at 38": only "at 38" is the age, the rest is the need
                age, start = int(m.group(2)), m.start(1)
            elif kind == "sexed":
                # "82F"/"45M": trust the capital letter, or a case note's "82 f,"
                if not text[m.start(2)].isupper() and not re.match(r"\s*[,.;)]", lowered[m.end() :]):
                    continue
                age = int(m.group(1))
            elif kind == "decade":
                base = _decade(m.group(2))
                offset = {"early": 2, "mid": 5, "late": 8}[m.group(1)]
                age = base + offset if base is not None else None
                if m.group(2) == "teens" and age is not None:
                    age = {"early": 13, "mid": 15, "late": 18}[m.group(1)]
            else:
                base = _decade(m.group(1))
                age = base + 5 if base is not None else None
                if m.group(1) == "teens":
                    age = 15
            if age is not None and 0 < age < 120:
                hits.append(FoundAge(age, start, m.end()))
    if not hits:
        return None
    return min(hits, key=lambda h: h.start)


_LIFE_STAGE_WORDS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(new (?:mum|mam|mom|dad|parents?|baby|born)|newborn|pregnan\w*|"
            r"expecting (?:a|our|my) (?:baby|first)|(?:first|my|our|the) baby|had (?:a|my|our) baby|"
            r"(?:\d+|few|two|three|six) (?:weeks?|months?) old|"
            r"maternity leave|paternity leave|breastfeed\w*|bump)\b"
        ),
        "new parent",
    ),
    (
        re.compile(
            r"\b(pensioners?|oaps?|retired|retirement|elderly|"
            r"older (?:person|people|man|woman|lady|gentleman)|"
            r"over (?:6|7|8)0s?|senior citizens?|in (?:my|his|her) (?:seventies|eighties|nineties|[789]0s)|"
            r"old age|grandchildren|grandkids|great[- ]grand\w*)\b"
        ),
        "older person",
    ),
    (
        re.compile(
            r"\b(teenagers?|teens?|at school|sixth form|year (?:7|8|9|10|11|12|13)|gcses?|a levels?|"
            r"my (?:son|daughter|child) is in year)\b"
        ),
        "young person",
    ),
    (
        re.compile(
            r"\b(university|uni student|student|care leaver|leaving care|young adult|in my twenties|"
            r"early 20s)\b"
        ),
        "young adult",
    ),
    (
        re.compile(
            r"\b(toddlers?|little ones?|(?:my|our|the|two|three|four) (?:kids|children)|"
            r"single (?:mum|dad|parent)|"
            r"lone parent|parenting|nursery|school run|preschool|pre-school)\b"
        ),
        "parent",
    ),
]


def life_stage(text: str, age: int | None, about_child: bool) -> str | None:
    """A coarse life stage; an explicit "new mum" beats an age, an age beats weaker words."""
    lowered = text.lower()
    found = {stage: bool(p.search(lowered)) for p, stage in _LIFE_STAGE_WORDS}
    if found["new parent"]:
        return "new parent"
    if age is not None:
        if age < 13:
            return "child"
        if age < 18:
            return "young person"
        if age < 26 and found["young adult"]:
            return "young adult"
        if age >= 65:
            return "older person"
    for stage in ("older person", "young person", "young adult", "parent"):
        if found[stage] and not (stage == "young person" and about_child is False and found["parent"]):
            return stage
    return "adult" if age is not None else None


_CASE_NOTE = re.compile(
    r"^\s*(?:case ?note|cn\s*:|referral|client|pt\b|patient|service user|su\s*:|notes?\s*:|"
    r"(?:male|female|man|woman)\s*,|\d{2,3}\s?[mf]\b|[mf]\s?\d{2,3}\b)",
    re.IGNORECASE,
)
_FOR_RELATION = re.compile(rf"\b(?:for|about|on behalf of|worried about)\s+(my\s+(?:\w+\s+)?{_RELATION}s?)\b")
_MY_RELATION = re.compile(
    rf"\b(my\s+(?:\d+\s*(?:year|yr)s?[\s-]*old\s+)?(?:autistic\s+|disabled\s+|elderly\s+|teenage\s+|little\s+|"
    rf"older\s+|younger\s+|baby\s+|eldest\s+|youngest\s+|twin\s+)?{_RELATION}s?)(?:'s|’s|s)?\s+"
    r"(?:has|have|is|was|s|'s|’s|needs|need|cant|can't|cannot|wont|won't|keeps|got|isn't|isnt|doesn't|"
    r"doesnt|hasn't|hasnt|had|wants|struggles|is struggling|suffers|lives|feels|seems|won't|refuses|"
    r"goes|went|just|still|never|always|gets|started|recently)\b"
)
_START_RELATION = re.compile(
    rf"^\s*({_RELATION})(?:'s|’s|s)?\s+(?:has|is|was|got|'s|’s|needs|can't|cant|won't|keeps|had|house|coming|lives)\b"
)
_MY_AGED_CHILD = re.compile(r"\bmy\s+(\d{1,2}|\w+)[\s-]*(?:years?|yrs?)[\s-]*old\b")
_SELF = re.compile(
    r"\b(?:for me|for myself|support for me|help for me|i need (?:some )?(?:support|help) (?:for|myself)|"
    r"for us both|i'm the one|im the one)\b"
)


def is_case_note(text: str) -> bool:
    return bool(_CASE_NOTE.match(text))


def about_someone_else(text: str) -> str | None:
    """Who the support is for, when the writer says it is someone else ("my daughter", "mum")."""
    lowered = text.lower().replace("’", "'")
    if is_case_note(text) or _SELF.search(lowered):
        return None
    for pattern in (_FOR_RELATION, _MY_RELATION):
        m = pattern.search(lowered)
        if m:
            return _tidy(m.group(1))
    m = _MY_AGED_CHILD.search(lowered)
    if m:
        return "my child"
    m = _START_RELATION.match(lowered)
    if m:
        return m.group(1)
    return None


def _tidy(relation: str) -> str:
    relation = re.sub(r"\d+\s*(?:year|yr)s?[\s-]*old\s+", "", relation)
    return " ".join(relation.split())
