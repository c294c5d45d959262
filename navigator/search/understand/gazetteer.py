"""Gazetteers: where a place name or postcode is. Query understanding asks them; it knows no places itself.

`OutcodeGazetteer` knows UK outward codes, postcodes (located at their outward code) and the towns
and counties of the shipped outcode table. `DirectoryGazetteer` adds the area names the directory's
own listings use ("Cheriton", "Ashby", "Easton") and falls back to an OutcodeGazetteer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from navigator.geo.outcodes import OutcodeTable
from navigator.geo.outcodes import Place as GeoPlace
from navigator.geo.postcodes import normalise_postcode, outward_code
from navigator.search.understand.model import Place

# UK postcode areas (the letters of an outward code).
POSTCODE_AREAS = frozenset(
    (  # noqa: SIM905 - a list of 121 codes reads better as one string
        "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT "
        "DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA "
        "LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE "
        "SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"
    ).split()
)


def fold_name(name: str) -> str:
    """Key for comparing place names: case, hyphens, dots, apostrophes and spacing don't matter."""
    cleaned = name.lower().replace("-", " ").replace(".", " ").replace("'", "").replace("’", "")
    return " ".join(cleaned.split())


def _from_geo(place: GeoPlace, matched: str) -> Place:
    return Place(place.kind, place.label, place.lat, place.lon, tuple(place.outcodes), matched)


class OutcodeGazetteer:
    """UK outward codes, postcodes and the towns/counties named in the outcode table."""

    def __init__(self, table: OutcodeTable | None = None) -> None:
        self.table = table if table is not None else OutcodeTable.load_default()
        self._names: frozenset[str] | None = None

    def find_place(self, name: str) -> Place | None:
        if not isinstance(name, str) or not name.strip():
            return None
        place = self.table.find_place(name)
        return _from_geo(place, name) if place is not None else None

    def place_names(self) -> Iterable[str]:
        """Towns and counties of the outcode table (regions like "South East" are too vague to scan for)."""
        if self._names is None:
            names: set[str] = set(map(fold_name, self.table.towns()))
            # The table lists towns but not counties; walk the possible outward codes of each postcode
            # area (public lookups only, ~12,000 dictionary hits, once per gazetteer).
            for area in POSTCODE_AREAS:
                for district in range(100):
                    info = self.table.info(f"{area}{district}")
                    if info is not None and info.county:
                        names.add(fold_name(info.county))
            self._names = frozenset(n for n in names if n)
        return self._names

    def outcodes_near(self, name: str) -> tuple[str, ...]:
        place = self.table.find_place(name)
        return tuple(place.outcodes) if place is not None else ()


class DirectoryGazetteer:
    """Area names present in the directory (with a representative point), then the outcode table.

    `towns_from_directory` maps an area or town name as listings write it ("Cheriton") to (lat, lon),
    for example the mean position of the listings whose address names it.
    """

    def __init__(
        self,
        towns_from_directory: Mapping[str, tuple[float, float]],
        fallback: OutcodeGazetteer | None = None,
    ) -> None:
        self.fallback = fallback if fallback is not None else OutcodeGazetteer()
        self._areas: dict[str, tuple[str, float, float]] = {}
        for name, (lat, lon) in towns_from_directory.items():
            key = fold_name(name)
            if key:
                self._areas[key] = (name.strip(), float(lat), float(lon))
        self._names: frozenset[str] | None = None

    def find_place(self, name: str) -> Place | None:
        if not isinstance(name, str) or not name.strip():
            return None
        if normalise_postcode(name) is None and outward_code(name) is None:
            hit = self._areas.get(fold_name(name))
            if hit is not None:
                label, lat, lon = hit
                # The outcode table may know the same town; its outward codes help "near" filters.
                return Place("town", label, lat, lon, self.fallback.outcodes_near(label), name)
        return self.fallback.find_place(name)

    def place_names(self) -> Iterable[str]:
        if self._names is None:
            self._names = frozenset(self._areas) | frozenset(self.fallback.place_names())
        return self._names
