"""The chat's search: the conversation state → a SearchRequest, results grouped per need with the
ones already shown left out, and whether the answer depends on where the person is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from navigator.chat.listing_info import ListingInfo, ListingLookup
from navigator.chat.state import ChatState
from navigator.search.schema import MAX_LIMIT, SearchRequest, SearchResult

PER_NEED = 5  # options shown per need at a time (the issue asks for 3–5)
LOOK_AT = 5  # results looked at to decide whether place matters
LOCAL_SHARE = 0.4  # ... it does when at least this share of them are local services
DEFAULT_RADIUS_KM = 16.0
MIN_RADIUS_KM = 2.0
MAX_RADIUS_KM = 80.0
REMOTE_MODES = frozenset(("online", "phone"))
# Fewer good options beat a padded list: a result scoring under this share of its need's best is
# left out (search scores are relative, not absolute, so the floor is relative too).
RELATIVE_FLOOR = 0.6


@dataclass
class Found:
    groups: list[tuple[str | None, list[SearchResult]]] = field(default_factory=list)
    infos: dict[str, ListingInfo] = field(default_factory=dict)  # listing id → extra facts
    local_share: float = 0.0
    any_results: bool = False
    needs: list[str] = field(default_factory=list)  # need labels as the search understood them
    need_keys: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(items) for _need, items in self.groups)


class ChatSearch:
    def __init__(self, search: Any, lookup: ListingLookup | None = None, per_need: int = PER_NEED) -> None:
        self.search = search  # navigator.search.service.SearchService (or anything with .search())
        self.lookup = lookup or ListingLookup()
        self.per_need = per_need

    def request(self, state: ChatState, *, with_place: bool, exclude_shown: bool) -> SearchRequest:
        q = state.text
        postcode = None
        if with_place and state.place:
            if state.place_kind in ("postcode", "outcode"):
                postcode = state.place
            else:  # a town: the search's own gazetteer knows the directory's towns by name
                q = f"{q} in {state.place}"
        wanted = self.per_need * max(1, len(state.needs))
        limit = min(MAX_LIMIT, wanted + (len(state.shown) if exclude_shown else 0))
        return SearchRequest(
            q=q,
            postcode=postcode,
            radius_km=state.radius_km if with_place and state.place else None,
            free=True if state.free else None,
            age=state.age,
            day=",".join(state.days) or None,
            mode=",".join(state.modes) or None,
            limit=limit,
        )

    def run(self, state: ChatState, *, with_place: bool = True, exclude_shown: bool = False) -> Found:
        response = self.search.search(self.request(state, with_place=with_place, exclude_shown=exclude_shown))
        results: list[SearchResult] = list(response.results)
        found = Found(
            any_results=bool(results),
            needs=[n.label for n in response.query.needs],
            need_keys=[n.key for n in response.query.needs],
        )
        top = results[:LOOK_AT]
        for r in results:
            found.infos[r.id] = self.lookup.info(self.search, r.source, r.id)
        if top:
            found.local_share = sum(found.infos[r.id].local for r in top) / len(top)
        skip = set(state.shown) if exclude_shown else set()
        order: list[str | None] = list(found.needs) or [None]
        grouped: dict[str | None, list[SearchResult]] = {}
        best: dict[str | None, float] = {}
        for r in results:
            label = r.need if r.need in found.needs else order[0]
            best.setdefault(label, r.score)  # results come best first within each need
            if r.id in skip or r.score < best[label] * RELATIVE_FLOOR:
                continue
            bucket = grouped.setdefault(label, [])
            if len(bucket) < self.per_need:
                bucket.append(r)
        for label in [*order, *(k for k in grouped if k not in order)]:
            if grouped.get(label):
                found.groups.append((label, grouped[label]))
        return found

    @staticmethod
    def needs_place(state: ChatState, found: Found | None) -> bool:
        """Ask where only when it changes the answer: not for online or phone help, not when the
        best matches are national services, never twice once the person would rather not say."""
        if state.place or state.no_place:
            return False
        if state.modes and set(state.modes) <= REMOTE_MODES:
            return False
        return found is not None and found.any_results and found.local_share >= LOCAL_SHARE


def closer_radius(current: float | None) -> float | None:
    """Half the radius, down to a floor; None when already at the floor."""
    radius = current or DEFAULT_RADIUS_KM
    if radius <= MIN_RADIUS_KM:
        return None
    return max(MIN_RADIUS_KM, radius / 2)


def wider_radius(current: float | None) -> float:
    return min(MAX_RADIUS_KM, (current or DEFAULT_RADIUS_KM) * 2)
