"""Finding the place a message names: a postcode, an outward code, or a town/area the gazetteer knows.

Town names that are also English words or first names ("Reading", "Deal", "Stanley") need the
evidence data/places.toml asks for; months ("March") never count. The place's words — and the
"I live in" before them — are returned as spans so they can be removed from the text to embed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from navigator.search.understand.gazetteer import POSTCODE_AREAS, fold_name
from navigator.search.understand.model import Gazetteer, Place
from navigator.search.understand.tokens import Token

_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?|[Gg][Ii][Rr])[ \t-]?([0-9][A-Za-z]{2})(?![A-Za-z0-9])"
)  # GIR 0AA: the one postcode outside the pattern, which geo.postcodes accepts too
_OUTCODE = re.compile(r"(?<![A-Za-z0-9£$])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)(?![A-Za-z0-9])")
_PREPOSITIONS = frozenset({"in", "near", "around", "at", "from", "nr", "outside", "round", "to", "by"})
_LIVING = frozenset(
    {"live", "lives", "living", "based", "located", "stay", "staying", "moved", "im", "am", "are"}
)
_SUBJECTS = frozenset({"i", "we", "she", "he", "they", "mum", "dad"})
_POSTCODE_WORDS = frozenset({"postcode", "post", "code", "area"})
_MAX_NAME_WORDS = 5


@dataclass(frozen=True)
class PlaceRules:
    never: frozenset[str]
    words: frozenset[str]
    first_names: frozenset[str]
    extra_towns: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def place_rules() -> PlaceRules:
    ref = resources.files("navigator.search.understand") / "data" / "places.toml"
    data = tomllib.loads(ref.read_text(encoding="utf-8"))
    extra = {fold_name(k): tuple(v) for k, v in data.get("extra_towns", {}).items()}
    return PlaceRules(
        frozenset(map(fold_name, data.get("never", []))),
        frozenset(map(fold_name, data.get("words", []))),
        frozenset(map(fold_name, data.get("first_names", []))),
        extra,
    )


@dataclass(frozen=True)
class FoundPlace:
    place: Place
    start: int  # character span to remove from the text to embed (includes "I live in")
    end: int


class PlaceIndex:
    """A gazetteer's names indexed by first word, built once per gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.by_first: dict[str, set[tuple[str, ...]]] = {}
        rules = place_rules()
        for name in [*gazetteer.place_names(), *rules.extra_towns]:
            parts = tuple(fold_name(name).split())
            if parts and len(parts) <= _MAX_NAME_WORDS:
                self.by_first.setdefault(parts[0], set()).add(parts)
        # Words of unambiguous place names: never "repaired" into something else by the speller.
        ambiguous = rules.never | rules.words | rules.first_names
        self.words = frozenset(
            w.replace("'", "")
            for parts in self.by_first.values()
            for p in parts
            for w in p
            if len(p) > 1 or p[0] not in ambiguous
        )

    def lookup(self, name: str) -> Place | None:
        place = self.gazetteer.find_place(name)
        if place is not None:
            return place
        codes = place_rules().extra_towns.get(fold_name(name))
        if codes:
            found = [p for p in map(self.gazetteer.find_place, codes) if p is not None and p.lat is not None]
            if found:
                lat = sum(p.lat or 0.0 for p in found) / len(found)
                lon = sum(p.lon or 0.0 for p in found) / len(found)
                return Place("town", name.strip().title(), lat, lon, codes, name)
        return None


def find_place(text: str, tokens: list[Token], index: PlaceIndex | None) -> FoundPlace | None:
    """The best place in the message: postcode, then outward code, then a town (after "in" first)."""
    for m in _POSTCODE.finditer(text):
        found = _postcode(text, tokens, m, index)
        if found is not None:
            return found
    for m in _OUTCODE.finditer(text):
        found = _outcode(text, tokens, m, index)
        if found is not None:
            return found
    if index is None:
        return None
    towns = _towns(tokens, index)
    if not towns:
        return None
    towns.sort(key=lambda t: (not t[2], t[0]))  # after a preposition first, then earliest
    start_token, end_token, _ = towns[0]
    span = text[tokens[start_token].start : tokens[end_token].end]
    place = index.lookup(" ".join(t.text for t in tokens[start_token : end_token + 1]))
    if place is None:
        return None
    place = Place(place.kind, place.label, place.lat, place.lon, place.outcodes, span)
    return FoundPlace(place, _lead_in(tokens, start_token), tokens[end_token].end)


def _postcode(
    text: str, tokens: list[Token], m: re.Match[str], index: PlaceIndex | None
) -> FoundPlace | None:
    from navigator.geo.postcodes import normalise_postcode

    full = normalise_postcode(m.group(1) + m.group(2))
    if full is None:
        return None
    known = index.gazetteer.find_place(full) if index else None
    outward = full.split(" ", 1)[0]
    place = Place(
        "postcode", full, known.lat if known else None, known.lon if known else None, (outward,), m.group()
    )
    # "near DN15 6AA" loses its "near" too, as an outward code or a town does.
    position = next((i for i, t in enumerate(tokens) if t.start == m.start()), None)
    start = _lead_in(tokens, position) if position is not None else m.start()
    return FoundPlace(place, start, m.end())


def _outcode(text: str, tokens: list[Token], m: re.Match[str], index: PlaceIndex | None) -> FoundPlace | None:
    from navigator.geo.postcodes import outward_code

    code = outward_code(m.group(1))
    if code is None:
        return None
    position = next((i for i, t in enumerate(tokens) if t.start == m.start()), None)
    before = tokens[position - 1].norm if position else ""
    lately = {t.norm for t in tokens[max(0, (position or 0) - 3) : position or 0]}
    # "b12 injections", "a1 road": a bare lower-case code needs "in" or "postcode" before it.
    if not (m.group(1).isupper() or before in _PREPOSITIONS or lately & _POSTCODE_WORDS):
        return None
    known = index.gazetteer.find_place(code) if index else None
    if index is not None and known is None:
        return None
    if known is None and not (m.group(1).isupper() and re.match(r"[A-Z]+", code).group() in POSTCODE_AREAS):  # type: ignore[union-attr]
        return None
    place = Place(
        "outcode", code, known.lat if known else None, known.lon if known else None, (code,), m.group(1)
    )
    start = _lead_in(tokens, position) if position is not None else m.start()
    return FoundPlace(place, start, m.end())


def _towns(tokens: list[Token], index: PlaceIndex) -> list[tuple[int, int, bool]]:
    rules = place_rules()
    found: list[tuple[int, int, bool]] = []
    i = 0
    while i < len(tokens):
        best: int | None = None
        for parts in index.by_first.get(fold_name(tokens[i].text), ()):
            end = i + len(parts) - 1
            if end < len(tokens) and tuple(fold_name(t.text) for t in tokens[i : end + 1]) == parts:
                best = end if best is None or end > best else best
        if best is None:
            i += 1
            continue
        name = " ".join(fold_name(t.text) for t in tokens[i : best + 1])
        after_preposition = i > 0 and tokens[i - 1].norm in _PREPOSITIONS
        first = tokens[i]
        capital_mid = first.capitalised and not first.sentence_start and not first.text.isupper()
        if name in rules.never:
            ok = False
        elif name in rules.words:
            ok = first.capitalised and (capital_mid or after_preposition)
        elif name in rules.first_names:
            ok = after_preposition
        else:
            ok = True
        if ok:
            found.append((i, best, after_preposition))
        i = best + 1
    return found


def _lead_in(tokens: list[Token], position: int) -> int:
    """Start of "I live in" / "near" before a place, so the text to embed loses it too."""
    j = position
    if j > 0 and tokens[j - 1].norm in _PREPOSITIONS:
        j -= 1
        if j > 0 and tokens[j - 1].norm in _LIVING:
            j -= 1
            if j > 0 and tokens[j - 1].norm in _SUBJECTS:
                j -= 1
    elif j > 0 and tokens[j - 1].norm in _POSTCODE_WORDS:
        j -= 1
        if j > 0 and tokens[j - 1].norm in {"my", "our", "the", "post"}:
            j -= 1
    return tokens[j].start
