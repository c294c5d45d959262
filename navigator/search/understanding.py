"""The bridge to query understanding (`navigator.search.understand`), with a small fallback.

The fallback keeps search working (and its tests meaningful) if the understanding module cannot be
imported: it finds a postcode or directory place, an age and the word "free", and embeds the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from navigator.geo.postcodes import find_postcodes
from navigator.search.understand.model import Gazetteer, UnderstoodQuery

Understander = Callable[[str], UnderstoodQuery]

_AGE = re.compile(r"\b(?:i'?m|i am|aged?|age)\s+(\d{1,3})\b|\b(\d{1,3})\s*(?:years? old|yo|y/o)\b", re.I)
_FREE = re.compile(r"\bfree\b", re.I)


def fallback_understand(text: str, gazetteer: Gazetteer) -> UnderstoodQuery:
    place = None
    for postcode in find_postcodes(text):
        place = gazetteer.find_place(postcode)
        if place:
            break
    if place is None:
        folded = f" {text.lower()} "
        for name in gazetteer.place_names():
            if f" {name} " in folded:
                place = gazetteer.find_place(name)
                break
    match = _AGE.search(text)
    age = int(match.group(1) or match.group(2)) if match else None
    return UnderstoodQuery(
        original=text,
        text=text,
        needs=[],
        place=place,
        age=age if age is not None and age < 120 else None,
        life_stage=None,
        free=True if _FREE.search(text) else None,
        days=[],
        times=[],
        modes=[],
        about_someone_else=None,
    )


def make_understander(gazetteer: Gazetteer, embedder: object | None = None) -> Understander:
    """`understand(text)` bound to this directory's gazetteer (and embedder, if it takes one)."""
    try:
        from navigator.search.understand import understand  # type: ignore[attr-defined]
    except ImportError:
        return lambda text: fallback_understand(text, gazetteer)
    try:
        from navigator.search.understand import Understanding  # type: ignore[attr-defined]

        engine = Understanding(gazetteer=gazetteer, embedder=embedder)
        return engine.understand  # type: ignore[no-any-return]
    except (ImportError, TypeError):
        pass
    return lambda text: understand(text, gazetteer)  # type: ignore[no-any-return]
