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
from collections.abc import Iterable, Sequence

import numpy as np

from navigator.geo.outcodes import OutcodeTable
from navigator.search.corpus_words import count_runs, name_starts, scan
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
        self._firsts: dict[str, int] | None = None
        self._expanded: dict[str, set[str]] = {}  # folded name → its expansion (names repeat a lot)
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
        self.learn_ambiguity_from(count_runs(list(texts)))

    def learn_ambiguity_from(self, counts: Counter[str]) -> None:
        """The same, from word counts already made (`corpus_words.scan`)."""
        for name in self.towns:
            if " " in name:
                continue
            lower, capital = counts[name], counts[name.capitalize()]
            if lower >= max(1, capital):
                self.ambiguous.add(name)
        self._firsts = None

    def _first_words(self) -> dict[str, int]:
        if self._firsts is None:
            self._firsts = name_starts([n for n in self.towns if n not in self.ambiguous])
        return self._firsts

    def mentions(self, text: str) -> set[str]:
        """Place names (capitalised, as proper nouns are) mentioned in a text, folded.

        Words are letters only, so folding a run of them is lower-casing; only words that begin
        some place name are tried (the longest name first), which keeps a 100k build to seconds."""
        firsts = self._first_words()
        words = _WORD.findall(text)
        folded = " ".join(words).lower().split(" ")  # ASCII letters: one lower() for all
        found: set[str] = set()
        for i, word in enumerate(folded):
            longest = firsts.get(word)
            if longest is None or not words[i][0].isupper():
                continue
            for n in range(longest, 0, -1):
                key = " ".join(folded[i : i + n])
                if key in self.towns and key not in self.ambiguous:
                    found.add(key)
                    break
        return found

    def _expand_one(self, name: str) -> set[str]:
        key = fold(name)
        hit = self._expanded.get(key)
        if hit is not None:
            return hit
        keys: set[str] = set()
        if key and key not in _TOO_BROAD:
            keys.add(key)
            counties = self.towns.get(key, set())
            if len(counties) == 1:
                keys |= counties
            info = self.table.info(key.upper())
            if info is not None:
                keys |= {fold(x) for x in (info.town, info.county) if x}
        self._expanded[key] = keys
        return keys

    def expand(self, names: Iterable[str]) -> set[str]:
        """Names plus the counties their towns lie in (only when the town name is unambiguous)."""
        keys: set[str] = set()
        for name in names:
            keys |= self._expand_one(name)
        return keys - _TOO_BROAD

    def listing_keys(self, facts: ListingFacts) -> set[str]:
        return self._keys(facts, self.mentions(facts.text))

    def listing_keys_all(self, facts: Sequence[ListingFacts]) -> tuple[list[set[str]], Counter[str]]:
        """Every listing's keys in one pass over the texts, learning ambiguity from the same pass;
        also returns the word counts (the lexicon is made from them)."""
        found = scan([f.text for f in facts], self.towns)
        self.learn_ambiguity_from(found.runs)
        return [self._keys(f, found.mentions(i, self.ambiguous)) for i, f in enumerate(facts)], found.runs

    def _keys(self, facts: ListingFacts, mentioned: set[str]) -> set[str]:
        names = set(facts.place_names)
        for postcode in facts.postcodes:
            names.add(postcode.split(" ")[0])
        return self.expand(names | mentioned)

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
