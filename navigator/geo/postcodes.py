"""UK postcode parsing: canonical form, outward code, and postcodes found in free text.

The format check is the UK Government Data Standards Catalogue pattern (it accepts GIR 0AA and
rejects BFPO numbers and impossible letter positions). It checks the *shape* only: a well-formed
postcode may still not exist. Nothing here raises, whatever it is given.
"""

from __future__ import annotations

import re

# Outward code shapes: A9, A99, AA9, AA99, A9A, AA9A, plus the special GIR.
_OUTWARD = r"(?:GIR|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW]))"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_FULL_RE = re.compile(rf"^({_OUTWARD})({_INWARD})$")
_OUTWARD_RE = re.compile(rf"^{_OUTWARD}$")
# In free text: letters+digit outward (or GIR), optional space or hyphen, digit+two letters inward.
_IN_TEXT_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?|[Gg][Ii][Rr])[ \t-]?([0-9][A-Za-z]{2})(?![A-Za-z0-9])"
)
_SEPARATORS = re.compile(r"[\s\-.\u00a0_]+")


def _compact(value: object) -> str | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    return _SEPARATORS.sub("", value).upper()


def normalise_postcode(value: object) -> str | None:
    """A UK postcode in canonical form ("ct195ae", "CT19  5AE", "ct19-5ae" → "CT19 5AE"), else None."""
    compact = _compact(value)
    if not compact or not 5 <= len(compact) <= 7:
        return None
    match = _FULL_RE.match(compact)
    if match is None:
        return None
    return f"{match.group(1)} {match.group(2)}"


def outward_code(value: object) -> str | None:
    """The outward code of a full postcode, or a bare outward code ("DN15") as given; else None."""
    full = normalise_postcode(value)
    if full is not None:
        return full.split(" ", 1)[0]
    compact = _compact(value)
    if compact and compact != "GIR" and _OUTWARD_RE.match(compact):
        return compact
    return None


def is_uk_postcode(value: object) -> bool:
    return normalise_postcode(value) is not None


def find_postcodes(text: object) -> list[str]:
    """Every well-formed UK postcode in free text, canonical, first-seen order, without repeats."""
    if not isinstance(text, str):
        return []
    found: list[str] = []
    for match in _IN_TEXT_RE.finditer(text):
        postcode = normalise_postcode(match.group(1) + match.group(2))
        if postcode and postcode not in found:
            found.append(postcode)
    return found
