"""Which areas a listing belongs to, and which a query's place means, as folded name keys.

A listing with venues is placed by distance; many listings have none (the Bristol and North
Lincolnshire feeds carry no addresses), so their area comes from what they say: service areas, towns
of their postcodes, and place names mentioned in their own text ("... in North Lincolnshire").
A place a person names ("Scunthorpe", "DN15") becomes its name plus the towns and counties of its
outward codes, so "Scunthorpe" finds listings that mention "North Lincolnshire".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np

from navigator.geo.outcodes import OutcodeTable
from navigator.search.facts import ListingFacts, fold

_WORD = re.compile(r"[A-Za-z]+")
_NAME_WORDS = 3  # the longest place name looked for in text ("Weston super Mare" after folding)
# County-level names that say nothing about where in the country a listing is.
_TOO_BROAD = {"england", "united kingdom", "uk", "great britain", "scotland", "wales"}


class AreaResolver:
    """Folded place keys for listings (at index build) and for named places (at query time)."""

    def __init__(self, table: OutcodeTable, extra_names: Iterable[str] = ()) -> None:
        self.table = table
        self.towns: dict[str, set[str]] = {}  # folded town → folded counties it lies in
        for code in _outcodes(table):
            info = table.info(code)
            if info is None:
                continue
            county = {fold(info.county)} if info.county else set()
            if info.town:
                self.towns.setdefault(fold(info.town), set()).update(county)
            if info.county:
                self.towns.setdefault(fold(info.county), set())
        for name in extra_names:
            self.towns.setdefault(fold(name), set())
        self.ambiguous: set[str] = set()
        codes = _all_codes(table)
        infos = [table.info(c) for c in codes]
        self._codes = [c for c, i in zip(codes, infos, strict=True) if i is not None]
        self._lat = np.array([i.lat for i in infos if i is not None], dtype=np.float64)
        self._lon = np.array([i.lon for i in infos if i is not None], dtype=np.float64)

    def nearest_outcode(self, lat: float, lon: float, within_km: float = 8.0) -> str | None:
        """The outward code whose centroid is nearest a point (a town the table does not name)."""
        if not self._codes:
            return None
        from navigator.geo.distance import haversine_km_many

        dist = haversine_km_many(lat, lon, self._lat, self._lon)
        best = int(np.argmin(dist))
        return self._codes[best] if dist[best] <= within_km else None

    def learn_ambiguity(self, texts: Iterable[str]) -> None:
        """Skip one-word place names the corpus mostly uses as ordinary words ("Street", "Hope")."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(_WORD.findall(text))
        for name in self.towns:
            if " " in name:
                continue
            lower, capital = counts[name], counts[name.capitalize()]
            if lower >= max(1, capital):
                self.ambiguous.add(name)

    def mentions(self, text: str) -> set[str]:
        """Place names (capitalised, as proper nouns are) mentioned in a text, folded."""
        words = [w for w in _WORD.findall(text)]
        found: set[str] = set()
        for i, word in enumerate(words):
            if not word[0].isupper():
                continue
            for n in range(_NAME_WORDS, 0, -1):
                key = fold(" ".join(words[i : i + n]))
                if key in self.towns and key not in self.ambiguous:
                    found.add(key)
                    break
        return found

    def expand(self, names: Iterable[str]) -> set[str]:
        """Names plus the counties their towns lie in (only when the town name is unambiguous)."""
        keys: set[str] = set()
        for name in names:
            key = fold(name)
            if not key or key in _TOO_BROAD:
                continue
            keys.add(key)
            counties = self.towns.get(key, set())
            if len(counties) == 1:
                keys |= counties
            info = self.table.info(key.upper())
            if info is not None:
                keys |= {fold(x) for x in (info.town, info.county) if x}
        return keys - _TOO_BROAD

    def listing_keys(self, facts: ListingFacts) -> set[str]:
        names = set(facts.place_names)
        for postcode in facts.postcodes:
            names.add(postcode.split(" ")[0])
        names |= self.mentions(facts.text)
        return self.expand(names)

    def place_keys(
        self, label: str, outcodes: Iterable[str], lat: float | None = None, lon: float | None = None
    ) -> set[str]:
        codes = list(outcodes)
        if not codes and lat is not None and lon is not None:
            code = self.nearest_outcode(lat, lon)
            codes = [code] if code else []
        return self.expand([label, *codes])


def _outcodes(table: OutcodeTable) -> list[str]:
    return _all_codes(table)


def _all_codes(table: OutcodeTable) -> list[str]:
    # OutcodeTable has no public "every outcode" yet (asked of the geo owner); towns() covers most.
    by_outcode = getattr(table, "_by_outcode", None)
    if by_outcode is not None:
        return list(by_outcode)
    return [code for codes in table.towns().values() for code in codes]
