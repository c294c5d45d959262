"""Why each result was chosen: the need it answers, its best-matching sentence, and the facts that
qualified it ("2.1 km away", "free", "ages 65+", "Tuesdays 10:00–12:00").

The best sentence is found by meaning for the first few results (their description sentences are
embedded once and cached) and by shared words for the rest, to keep a page cheap.
"""

from __future__ import annotations

import contextlib
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

from navigator.search.filters import FREE_YES, NO_AGE_MAX, NO_AGE_MIN
from navigator.search.schedule_text import next_opening, schedule_line
from navigator.search.schema import Contacts, SearchResult, Why

if TYPE_CHECKING:
    from navigator.search.bundle import IndexBundle
    from navigator.search.constraints import Constraints
    from navigator.search.embedder import Embedder
    from navigator.search.understand.model import UnderstoodQuery

_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[a-z]{3,}")
MAX_SENTENCES = 8
STALE_DAYS = 365


def sentences(description: str) -> list[str]:
    parts = [" ".join(p.split()) for p in _SPLIT.split(description or "")]
    return [p[:300] for p in parts if len(p) >= 15][:MAX_SENTENCES]


def _stem(word: str) -> str:
    return word[:6]  # crude but enough to match "bereaved"/"bereavement" (best_sentence inlines it)


class Explainer:
    def __init__(
        self,
        embedder: Embedder | None,
        semantic_top: int = 3,
        stale_after_days: int = STALE_DAYS,
        cache_size: int = 4096,
    ) -> None:
        self.embedder = embedder
        self.semantic_top = semantic_top
        self.stale_after_days = stale_after_days
        self._cache: OrderedDict[tuple[str, int], tuple[list[str], np.ndarray]] = OrderedDict()
        self._splits: OrderedDict[tuple[str, int], tuple[list[str], list[frozenset[str]]]] = OrderedDict()
        self.cache_size = cache_size

    # ---- best sentence ---------------------------------------------------------------------------
    def _sentence_vectors(self, build_id: str, row: int, parts: list[str]) -> np.ndarray | None:
        if self.embedder is None or not parts:
            return None
        key = (build_id, row)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit[1]
        vectors = self.embedder.embed_documents(parts)
        self._cache[key] = (parts, vectors)
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return vectors

    def best_sentence(
        self,
        build_id: str,
        row: int,
        description: str,
        query_vector: np.ndarray | None,
        query_words: set[str],
        semantic: bool,
    ) -> str | None:
        parts, stems = self._split(build_id, row, description)
        if not parts:
            return None
        if semantic and query_vector is not None:
            vectors = self._sentence_vectors(build_id, row, parts)
            if vectors is not None:
                return parts[int(np.argmax(vectors @ query_vector))]
        overlap = [len(query_words.intersection(words)) for words in stems]
        return parts[overlap.index(max(overlap))]

    def _split(self, build_id: str, row: int, description: str) -> tuple[list[str], list[frozenset[str]]]:
        """A listing's sentences and the word stems of each, kept for the listings shown lately (the
        same listings answer many searches)."""
        key = (build_id, row)
        hit = self._splits.get(key)
        if hit is not None:
            return hit
        parts = sentences(description)
        value = (parts, [frozenset(w[:6] for w in _WORD.findall(p.lower())) for p in parts])
        self._splits[key] = value
        if len(self._splits) > self.cache_size:
            with contextlib.suppress(KeyError):  # another request emptied it first
                self._splits.popitem(last=False)
        return value

    # ---- facts -----------------------------------------------------------------------------------
    @staticmethod
    def facts(
        bundle: IndexBundle,
        row: int,
        doc: dict[str, Any],
        c: Constraints,
        distance: float | None,
        understood: UnderstoodQuery | None,
        serves_place: bool = False,
    ) -> list[str]:
        f = bundle.filters
        out: list[str] = []
        if distance is not None and not np.isnan(distance):
            out.append(f"{distance:.1f} km away" if distance >= 0.1 else "very close")
        elif serves_place and c.place_label:
            out.append(f"serves {c.place_label}")
        if f.free[row] == FREE_YES:
            out.append("free")
        lo, hi = int(f.min_age[row]), int(f.max_age[row])
        if lo != NO_AGE_MIN and hi != NO_AGE_MAX:
            out.append(f"ages {lo}–{hi}")
        elif lo != NO_AGE_MIN and lo > 0:
            out.append(f"ages {lo}+")
        elif hi != NO_AGE_MAX:
            out.append(f"up to age {hi}")
        for s in doc.get("schedules") or []:
            line = schedule_line(s)
            if line:
                out.append(line)
                break
        modes = set(c.modes) | set(understood.modes if understood else [])
        if "online" in modes and f.offers_mode(["online"])[row]:
            out.append("online")
        if "phone" in modes and f.offers_mode(["phone"])[row]:
            out.append("by phone")
        if "home_visit" in modes and f.offers_mode(["home_visit"])[row]:
            out.append("home visits")
        return out

    # ---- one page --------------------------------------------------------------------------------
    def explain(
        self,
        bundle: IndexBundle,
        rows: np.ndarray,
        scores: np.ndarray,
        understood: UnderstoodQuery | None,
        c: Constraints,
        distance: np.ndarray | None,
        need_of: dict[int, str],
        query_vector: np.ndarray | None = None,
        in_area: np.ndarray | None = None,
    ) -> list[SearchResult]:
        build_id = bundle.manifest.build_id
        words = {_stem(w) for w in _WORD.findall(((understood.text if understood else "") or "").lower())}
        if understood is not None:
            for need in understood.needs:
                words |= {_stem(w) for w in _WORD.findall(need.expansion.lower())}
        default_need = understood.needs[0].display if understood is not None and understood.needs else None
        today_days = int(np.datetime64("today", "D").astype(np.int64))
        results = []
        for rank, (row, score) in enumerate(zip(rows.tolist(), scores.tolist(), strict=True)):
            doc = bundle.docs.get(row)
            dist = None if distance is None or np.isnan(distance[row]) else float(distance[row])
            need_label = need_of.get(row, default_need)
            sentence = (
                self.best_sentence(
                    build_id, row, doc.get("description", ""), query_vector, words, rank < self.semantic_top
                )
                if understood is not None
                else None
            )
            serves = bool(in_area[row]) if in_area is not None else False
            facts = self.facts(bundle, row, doc, c, dist, understood, serves)
            verified = int(bundle.filters.verified_day[row])
            stale = verified < 0 or today_days - verified > self.stale_after_days
            text_parts = (
                ([f"Answers: {need_label}"] if need_label else [])
                + facts
                + ([f"“{sentence}”"] if sentence else [])
            )
            address = None if doc.get("hide_exact_address") else ((doc.get("addresses") or [None])[0])
            results.append(
                SearchResult(
                    id=bundle.ids[row],
                    source=bundle.sources[row],
                    name=doc.get("name") or "",
                    organisation=doc.get("organisation"),
                    score=round(float(score), 4),
                    need=need_label,
                    why=Why(need=need_label, sentence=sentence, facts=facts, text=" · ".join(text_parts)),
                    distance_km=round(dist, 2) if dist is not None else None,
                    contacts=Contacts(
                        phones=doc.get("phones") or [],
                        email=doc.get("email"),
                        website=doc.get("url"),
                        address=address,
                    ),
                    next_opening=next_opening(doc.get("schedules") or []),
                    last_verified=doc.get("last_verified"),
                    possibly_out_of_date=stale,
                    categories=doc.get("categories") or [],
                )
            )
        return results
