"""One keyword query against the BM25 index: its best rows, and the exact score of any row.

Up to a few hundred thousand listings every query word's postings are summed (`np.add.at`, one
posting slice at a time). Beyond, that sum dominated a search (17 ms of 40 at 1M listings when it was
one np.bincount: need-expanded queries touch ~4M postings, 80% of them from words in more than 1
listing in 10). There the candidates are chosen by the words
in at most `RARE_SHARE` of listings, and only the rows the engine goes on to rank (~300) get the
common words' share, looked up in their sorted postings: every score the fusion sees is still
bm25s's exact score; only which rows are proposed as keyword candidates can differ
(bench/search_profile.py agree measures the effect on whole result lists).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from navigator.search.ann import top_k

PRUNE_FROM = 200_000  # listings from which candidates come from the rarer words only
RARE_SHARE = 0.05


class KeywordQuery:
    def __init__(self, scores: dict[str, Any], terms: Counter[int], prune: bool = True) -> None:
        self.indptr, self.indices, self.data = scores["indptr"], scores["indices"], scores["data"]
        self.n = int(scores["num_docs"])
        chosen: dict[int, int] = dict(terms)
        self.rest: dict[int, int] = {}
        if prune and self.n >= PRUNE_FROM:
            rare = {t: k for t, k in terms.items() if self._size(t) <= RARE_SHARE * self.n}
            if rare:  # a query of common words only is summed in full
                chosen = rare
                self.rest = {t: k for t, k in terms.items() if t not in rare}
        self.partial = self._sum(chosen)

    def _size(self, term: int) -> int:
        return int(self.indptr[term + 1] - self.indptr[term])

    def _posting(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = int(self.indptr[term]), int(self.indptr[term + 1])
        return self.indices[start:end], self.data[start:end]

    def _sum(self, terms: dict[int, int]) -> np.ndarray:
        """bm25s's sum over the query's words (a word repeated in the query counts again): each
        word's posting slice added in place, times its count. `np.add.at` per slice (unbuffered,
        fast since numpy 1.25) beat one `np.bincount` over the concatenated slices 2 vs 18 ms for
        half a million postings at 1M listings: no concatenation and no float64/intp copies."""
        out = np.zeros(self.n, dtype=np.float32)
        for term, count in terms.items():
            rows, weights = self._posting(term)
            np.add.at(out, rows, weights * np.float32(count) if count > 1 else weights)
        return out

    def top(self, k: int, mask: np.ndarray | None) -> np.ndarray:
        """Up to k rows with a keyword score, best first (among rows where mask is True)."""
        # Only rows a query word touches can score (BM25's idf is positive): a few thousand of a
        # million, so the partition runs over them, not over every listing. (`> 0` first: numpy's
        # nonzero over a bool array is several times faster than over floats.)
        rows = np.flatnonzero(self.partial > 0)
        if mask is not None:
            rows = rows[mask[rows]]
        return rows[top_k(self.partial[rows], k)]

    def at(self, rows: np.ndarray) -> np.ndarray:
        """The exact BM25 score of each row."""
        out = self.partial[rows].astype(np.float32)
        # In the postings' own integer type: searchsorted would otherwise copy each posting list
        # (hundreds of thousands of rows) to int64 first, 5x the cost of the look-up itself.
        needles = rows.astype(self.indices.dtype, copy=False)
        for term, count in self.rest.items():
            posting, data = self._posting(term)
            where = np.minimum(np.searchsorted(posting, needles), max(posting.size - 1, 0))
            found = posting[where] == needles if posting.size else np.zeros(rows.size, dtype=bool)
            out[found] += data[where[found]] * np.float32(count)
        return out

    def full(self) -> np.ndarray:
        """Every row's exact score (tests; the engine never needs all of them)."""
        return self.at(np.arange(self.n))
