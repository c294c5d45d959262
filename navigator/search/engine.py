"""The search itself: understand the text, gather candidates (dense + keyword), fuse and rank them
under the filters, page, and explain each result. One `Searcher` per loaded index build."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from navigator.geo.outcodes import OutcodeTable
from navigator.search.ann import top_k
from navigator.search.bundle import IndexBundle
from navigator.search.constraints import Constraints, base_mask, resolve
from navigator.search.filters import FREE_NO, FREE_YES
from navigator.search.places import AreaResolver
from navigator.search.ranking import RankWeights, fuse, place_adjustment
from navigator.search.reasons import Explainer
from navigator.search.schema import (
    IndexInfo,
    NeedOut,
    PlaceOut,
    SearchRequest,
    SearchResponse,
    UnderstoodOut,
)
from navigator.search.understand.model import Need, UnderstoodQuery
from navigator.search.understanding import Understander

QueryVector = Callable[[str], np.ndarray]
# Distance arrays kept, one per place searched around (0.4 MB each at 100k listings, 4 MB at 1M): a
# directory's searches circle a few dozen towns and postcode districts; 16 places at 1M, 160 at 100k.
DISTANCE_CACHE_BYTES = 64 << 20


@dataclass
class Ranked:
    rows: np.ndarray
    scores: np.ndarray
    need_of: dict[int, str] = field(default_factory=dict)  # row → need label (multi-need searches)


@dataclass
class SearchConfig:
    default_radius_km: float = 16.0
    stale_after_days: int = 365
    weights: RankWeights = field(default_factory=RankWeights)
    per_need: bool = True  # genuinely separate needs each get their own retrieval, labelled


class Searcher:
    def __init__(
        self,
        bundle: IndexBundle,
        query_vector: QueryVector,
        understander: Understander,
        areas: AreaResolver,
        table: OutcodeTable,
        config: SearchConfig,
        explainer: Explainer,
        phrase_vector: QueryVector | None = None,
    ) -> None:
        self.bundle = bundle
        self.query_vector = query_vector
        # Need expansions are vocabulary phrases: cached for good (and in the store) by the factory.
        self.phrase_vector = phrase_vector or query_vector
        self.understander = understander
        self.areas = areas
        self.table = table
        self.config = config
        self.explainer = explainer
        self._distances: OrderedDict[tuple[float, float], np.ndarray] = OrderedDict()

    # ---- entry point -----------------------------------------------------------------------------
    def search(
        self, request: SearchRequest, stale: bool = False, note: str | None = None, fallback: bool = False
    ) -> SearchResponse:
        started = time.perf_counter()
        f = self.bundle.filters
        c = resolve(request, f, self.table, self.config.default_radius_km)
        if not c.text and not c.has_filters:
            from navigator.search.schema import SearchInputError

            raise SearchInputError(
                "q",
                "Tell us what you are looking for (for example 'lonely since my wife died' or 'food bank'), "
                "or give a postcode, category, age or other filter to browse.",
            )
        understood = self.understander(c.text) if c.text else None
        if understood is not None and understood.age is not None and c.age is None and understood.age <= 120:
            c.age = understood.age
        if understood is not None and understood.place is not None and c.lat is None:
            self._use_text_place(c, understood)
        mask = base_mask(c, f)
        distance = self._distance(c.lat, c.lon) if c.lat is not None and c.lon is not None else None
        in_area = has_area = None
        if distance is not None:
            keys = self.areas.place_keys(c.place_label or "", c.place_outcodes, c.lat, c.lon)
            in_area = f.areas.mask(keys, f.n)
            has_area = self._has_area()
            radius = c.radius_km or self.config.default_radius_km
            near = np.isnan(distance) | (distance <= radius) | in_area
            if "in_person" in c.modes:
                near &= ~np.isnan(distance) | in_area
            mask &= near
        if understood is None:
            ranked = self._browse(mask, distance)
        else:
            ranked = self._rank(understood, c, mask, distance, in_area, has_area)
        page = ranked.rows[c.offset : c.offset + c.limit]
        query_vector = self.query_vector(understood.text or c.text) if understood is not None else None
        results = self.explainer.explain(
            self.bundle,
            page,
            ranked.scores[c.offset : c.offset + c.limit],
            understood,
            c,
            distance,
            ranked.need_of,
            query_vector,
            in_area,
        )
        return SearchResponse(
            results=results,
            total=int(ranked.rows.size),
            limit=c.limit,
            offset=c.offset,
            query=_understood_out(c, understood),
            index=IndexInfo(
                build_id=self.bundle.manifest.build_id,
                built_at=self.bundle.manifest.built_at,
                count=self.bundle.count,
                stale=stale,
                backend=self.bundle.manifest.backend,
                fallback=fallback,
                note=note,
            ),
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    # ---- helpers ---------------------------------------------------------------------------------
    def _distance(self, lat: float, lon: float) -> np.ndarray:
        """Distances to every listing from a point; the last few points are kept, because people
        search around the same places again and again (3 ms saved per search at 100k listings)."""
        key = (round(lat, 5), round(lon, 5))
        hit = self._distances.get(key)
        if hit is not None:
            return hit
        hit = self.bundle.filters.nearest_km(lat, lon)
        hit.setflags(write=False)  # shared between requests
        self._distances[key] = hit
        keep = max(4, DISTANCE_CACHE_BYTES // max(1, hit.nbytes))
        while len(self._distances) > keep:
            try:
                self._distances.popitem(last=False)
            except KeyError:  # another request emptied it first
                break
        return hit

    def _has_area(self) -> np.ndarray:
        cached = getattr(self, "_has_area_cache", None)
        if cached is None:
            f = self.bundle.filters
            cached = np.zeros(f.n, dtype=bool)
            cached[f.areas.rows] = True
            self._has_area_cache = cached
        return cached

    def _use_text_place(self, c: Constraints, understood: UnderstoodQuery) -> None:
        place = understood.place
        assert place is not None
        if place.lat is None or place.lon is None:
            found = self.table.find_place(place.label)
            if found is None:
                return
            c.lat, c.lon = found.lat, found.lon
        else:
            c.lat, c.lon = place.lat, place.lon
        c.place_label, c.place_kind, c.place_outcodes = place.label, place.kind, tuple(place.outcodes)
        c.radius_km = c.radius_km or self.config.default_radius_km

    def _browse(self, mask: np.ndarray, distance: np.ndarray | None) -> Ranked:
        rows = np.flatnonzero(mask)
        if distance is None:
            return Ranked(rows, np.zeros(rows.size, dtype=np.float32))
        d = distance[rows]
        key = np.where(np.isnan(d), np.inf, d)
        order = np.argsort(key, kind="stable")
        rows, d = rows[order], d[order]
        return Ranked(rows, np.where(np.isnan(d), 0.0, 1.0 / (1.0 + d)).astype(np.float32))

    def _vector(self, understood: UnderstoodQuery, needs: list[Need]) -> np.ndarray:
        w = self.config.weights
        vector = self.query_vector(understood.text or understood.original).astype(np.float32)
        if needs and w.need_expansion > 0:
            expansion = np.mean([self.phrase_vector(n.expansion) for n in needs if n.expansion], axis=0)
            vector = vector + w.need_expansion * expansion
        return vector / max(float(np.linalg.norm(vector)), 1e-9)

    def _score_many(
        self,
        understood: UnderstoodQuery,
        groups: list[list[Need]],
        c: Constraints,
        mask: np.ndarray,
        distance: np.ndarray | None,
        in_area: np.ndarray | None,
        has_area: np.ndarray | None,
    ) -> list[Ranked]:
        """Rank once per group of needs (one group unless the needs are separate). The dense scans of
        all groups share one pass over the vectors, and the PRF re-search shares a second one."""
        w = self.config.weights
        allowed = int(mask.sum())
        if allowed == 0:
            return [Ranked(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)) for _ in groups]
        full = allowed == mask.size
        ann_mask = None if full else mask
        text = understood.text or understood.original
        keywords = [self.bundle.keyword.query(" ".join([text, *(n.expansion for n in g)])) for g in groups]
        queries = np.stack([self._vector(understood, g) for g in groups])
        dense_rows = self.bundle.ann.search_many(queries, w.candidates, ann_mask)
        rows_list, scores_list, keyword_list = [], [], []
        for i in range(len(groups)):
            rows = np.union1d(dense_rows[i], keywords[i].top(w.candidates, ann_mask))
            rows_list.append(rows)
            keyword_list.append(keywords[i].at(rows))
            scores_list.append(fuse(self.bundle.vectors[rows] @ queries[i], keyword_list[i], w))
        if w.prf > 0:
            feedback = queries.copy()
            for i, (rows, score) in enumerate(zip(rows_list, scores_list, strict=True)):
                if rows.size > w.prf_docs:
                    top = rows[top_k(score, w.prf_docs)]
                    feedback[i] = queries[i] + w.prf * self.bundle.vectors[top].mean(axis=0)
                    feedback[i] /= max(float(np.linalg.norm(feedback[i])), 1e-9)
            more = self.bundle.ann.search_many(feedback, w.candidates, ann_mask)
            for i in range(len(groups)):
                rows = np.union1d(rows_list[i], more[i])
                keyword_scores = _extend(rows, rows_list[i], keyword_list[i], keywords[i].at)
                rows_list[i] = rows
                scores_list[i] = fuse(self.bundle.vectors[rows] @ feedback[i], keyword_scores, w)
        ranked = []
        for group, rows, score in zip(groups, rows_list, scores_list, strict=True):
            score = score + self._signals(rows, understood, group, c, distance, in_area, has_area)
            order = np.argsort(-score, kind="stable")
            ranked.append(Ranked(rows[order], score[order].astype(np.float32)))
        return ranked

    def _signals(
        self,
        rows: np.ndarray,
        understood: UnderstoodQuery,
        needs: list[Need],
        c: Constraints,
        distance: np.ndarray | None,
        in_area: np.ndarray | None,
        has_area: np.ndarray | None,
    ) -> np.ndarray:
        w = self.config.weights
        f = self.bundle.filters
        adjust = np.zeros(rows.size, dtype=np.float32)
        if distance is not None and in_area is not None and has_area is not None:
            adjust += place_adjustment(
                distance[rows], c.radius_km or self.config.default_radius_km, in_area[rows], has_area[rows], w
            )
        today = int(time.time() // 86400)  # days since 1970-01-01, as verified_day counts
        verified = f.verified_day[rows]
        stale = (verified >= 0) & (today - verified > self.config.stale_after_days)
        adjust -= w.stale * stale
        if understood.free:
            adjust += w.wish * (f.free[rows] == FREE_YES) - w.wish * (f.free[rows] == FREE_NO)
        if understood.days:
            adjust += w.wish * f.open_on(list(understood.days))[rows]
        if understood.modes:
            adjust += w.wish * f.offers_mode(list(understood.modes))[rows]
        cats = {k for n in needs for k in _fold_all(getattr(n, "categories", ()))}
        if cats and w.need_category > 0:
            adjust += w.need_category * f.categories.mask(cats, f.n)[rows]
        return adjust

    def _rank(
        self,
        understood: UnderstoodQuery,
        c: Constraints,
        mask: np.ndarray,
        distance: np.ndarray | None,
        in_area: np.ndarray | None,
        has_area: np.ndarray | None,
    ) -> Ranked:
        needs = list(understood.needs)
        if not (self.config.per_need and len(needs) >= 2):
            ranked = self._score_many(understood, [needs], c, mask, distance, in_area, has_area)[0]
            if len(needs) == 1:
                ranked.need_of = dict.fromkeys(ranked.rows[: c.offset + c.limit].tolist(), needs[0].display)
            return ranked
        lists = self._score_many(understood, [[n] for n in needs], c, mask, distance, in_area, has_area)
        return _interleave(lists, [n.display for n in needs])


def _extend(
    rows: np.ndarray, known_rows: np.ndarray, known: np.ndarray, score: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Scores for sorted `rows`, a superset of sorted `known_rows`: the known ones reused, only the
    new rows scored (exact keyword scores of common words are posting look-ups, ~1 ms at 1M)."""
    if rows.size == known_rows.size:
        return known
    out = np.empty(rows.size, dtype=np.float32)
    at = np.searchsorted(rows, known_rows)
    out[at] = known
    new = np.ones(rows.size, dtype=bool)
    new[at] = False
    out[new] = score(rows[new])
    return out


def _interleave(lists: list[Ranked], labels: list[str]) -> Ranked:
    """Genuinely separate needs: take each need's next best in turn, so every need is covered, labelled."""
    seen: set[int] = set()
    rows: list[int] = []
    scores: list[float] = []
    need_of: dict[int, str] = {}
    positions = [0] * len(lists)
    while any(p < r.rows.size for p, r in zip(positions, lists, strict=True)):
        for i, ranked in enumerate(lists):
            while positions[i] < ranked.rows.size:
                row = int(ranked.rows[positions[i]])
                positions[i] += 1
                if row not in seen:
                    seen.add(row)
                    rows.append(row)
                    scores.append(float(ranked.scores[positions[i] - 1]))
                    need_of[row] = labels[i]
                    break
    return Ranked(np.asarray(rows, dtype=np.int64), np.asarray(scores, dtype=np.float32), need_of)


def _fold_all(values: object) -> list[str]:
    from navigator.search.facts import fold

    return [fold(v) for v in values]  # type: ignore[attr-defined]


def _understood_out(c: Constraints, understood: UnderstoodQuery | None) -> UnderstoodOut:
    filters: dict[str, object] = {}
    if c.lat is not None:
        filters["near"] = {"place": c.place_label, "radius_km": round(c.radius_km or 0, 1)}
    if c.free_only:
        filters["free"] = True
    if c.age is not None:
        filters["age"] = c.age
    if c.days:
        filters["days"] = c.days
    if c.modes:
        filters["modes"] = c.modes
    if c.category:
        filters["category"] = c.category
    if not c.include_inactive:
        filters["status"] = "active"
    prefs: dict[str, object] = {}
    if understood is not None:
        if understood.free and not c.free_only:
            prefs["free"] = True
        for name in ("days", "times", "modes"):
            value = getattr(understood, name)
            if value:
                prefs[name] = list(value)
    place = None
    if c.lat is not None:
        place = PlaceOut(
            label=c.place_label or "", kind=c.place_kind or "", lat=c.lat, lon=c.lon, radius_km=c.radius_km
        )
    return UnderstoodOut(
        text=understood.text if understood else "",
        needs=[
            NeedOut(key=n.key, label=n.display, matched=n.matched)
            for n in (understood.needs if understood else [])
        ],
        place=place,
        age=c.age,
        life_stage=understood.life_stage if understood else None,
        filters=filters,
        preferences=prefs,
        repairs=[list(r) for r in (understood.repairs if understood else ())],
        messages=c.messages,
        mode="search" if understood is not None else "browse",
    )
