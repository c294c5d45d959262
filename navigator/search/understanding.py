"""The bridge to query understanding (`navigator.search.understand`), with a small fallback.

The fallback keeps search working (and its tests meaningful) if the understanding module cannot be
imported: it finds a postcode or directory place, an age and the word "free", and embeds the rest.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping

from navigator.geo.outcodes import OutcodeTable
from navigator.geo.postcodes import find_postcodes
from navigator.search.understand.model import Gazetteer, Place, QueryEmbedder, UnderstoodQuery

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


def make_understander(
    table: OutcodeTable,
    towns: Mapping[str, tuple[float, float]],
    words: Iterable[str],
    embedder: QueryEmbedder | None = None,
) -> Understander:
    """One understander per index build: the directory's towns and words, the shared query cache."""
    try:
        from navigator.search.understand import DirectoryGazetteer, OutcodeGazetteer
        from navigator.search.understand import Understander as Engine
    except ImportError:  # pragma: no cover - the understanding package is part of this project
        fallback = _FallbackGazetteer(table, towns)
        return lambda text: fallback_understand(text, fallback)
    gazetteer = DirectoryGazetteer(towns, OutcodeGazetteer(table))
    engine = Engine(gazetteer=gazetteer, vocabulary=words, embedder=embedder)
    # Understanding is a pure function of the text for one build: repeated and refined searches
    # (paging, a changed filter) reuse it.
    return functools.lru_cache(maxsize=2048)(engine)


class _FallbackGazetteer:
    def __init__(self, table: OutcodeTable, towns: Mapping[str, tuple[float, float]]) -> None:
        self.table = table
        self.towns = {k.lower(): (k, v) for k, v in towns.items()}

    def find_place(self, name: str) -> Place | None:
        hit = self.towns.get(name.lower().strip())
        if hit is not None:
            return Place("town", hit[0], hit[1][0], hit[1][1], (), name)
        found = self.table.find_place(name)
        if found is None:
            return None
        return Place(found.kind, found.label, found.lat, found.lon, tuple(found.outcodes), name)

    def place_names(self) -> Iterable[str]:
        return list(self.towns)
