"""The concrete gazetteer query understanding uses: place names found in the directory, located
through the shipped outward-code table, plus any UK postcode or outward code."""

from __future__ import annotations

from collections.abc import Iterable

from navigator.geo.outcodes import OutcodeTable
from navigator.search.understand.model import Place


class DirectoryGazetteer:
    def __init__(self, table: OutcodeTable, names: Iterable[str]) -> None:
        self.table = table
        # Only names the table can locate: a place we cannot put on the map cannot rank by distance.
        self._names = sorted({n for n in names if n and not n.isdigit() and table.find_place(n) is not None})

    def find_place(self, name: str) -> Place | None:
        found = self.table.find_place(name)
        if found is None:
            return None
        return Place(
            kind=found.kind,
            label=found.label,
            lat=found.lat,
            lon=found.lon,
            outcodes=found.outcodes,
            matched=name,
        )

    def place_names(self) -> Iterable[str]:
        return self._names
