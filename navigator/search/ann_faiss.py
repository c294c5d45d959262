"""The compressed faiss backends for large collections (see `ann.choose_backend` for when).

Both keep the float vectors alongside (memory-mapped at scale): the engine re-scores every
candidate with them, so ranking is exact and the compressed codes only have to put the true top 10
somewhere among the 100 candidates asked for.

- `FaissSQ8Index`: an exhaustive scan of 8-bit scalar-quantised vectors, a quarter of the memory
  traffic of floats (the scan is memory-bound). Filters go in as a bitmap selector, so a filtered
  search is still exhaustive over the allowed rows.
- `FaissIvfIndex`: the same 8-bit codes split into k-means lists; a query scans the `nprobe` lists
  nearest to it. Far cheaper per query; recall depends on nprobe, measured in bench/search_ann.py.
- `FaissHnswIndex`: a graph over 8-bit codes. Kept for explicit use only: on the scaled corpus its
  recall at 1M was 0.25 (bench/README-search.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from navigator.search.ann import exact_search_many

EXACT_ROWS_UP_TO = 8_000  # a mask allowing at most this many rows is scored exactly with the floats
TRAIN_SAMPLE = 100_000
TRAIN_PER_LIST = 40
TRAIN_ITERATIONS = 4
# Lists scanned per query. 100k: candidates' recall@10 0.997 after re-scoring (96: 0.999), and the
# engine's whole top 10 overlaps an exact scan's by 0.995 (the same at 96); 1M: 1.000 from 32 up
# (bench/search_ann.py, bench/search_profile.py agree). With ~4·sqrt(n) lists, a list holds more rows
# as n grows, so large collections reach the same recall with fewer: at 1M, 32 lists kept recall@10
# 1.000 unfiltered and 0.999 under place filters (0.9 at worst) for 1.4 instead of 2.3 ms a query.
NPROBE = 64
NPROBE_LARGE, LARGE_FROM = 32, 500_000


def ivf_nprobe(n: int) -> int:
    return NPROBE_LARGE if n >= LARGE_FROM else NPROBE


def _sample(vectors: np.ndarray, size: int) -> np.ndarray:
    """`size` rows spread evenly over the collection (all of them if it is smaller)."""
    n = vectors.shape[0]
    if n <= size:
        return np.ascontiguousarray(vectors, dtype=np.float32)
    return np.ascontiguousarray(vectors[np.linspace(0, n - 1, size).astype(np.int64)], dtype=np.float32)


def _add(index: Any, vectors: np.ndarray) -> None:
    for start in range(0, vectors.shape[0], 100_000):  # bounded copies of (mapped) floats
        index.add(np.ascontiguousarray(vectors[start : start + 100_000], dtype=np.float32))


def _selector(mask: np.ndarray) -> tuple[Any, np.ndarray]:
    """A faiss selector for the rows where mask is True; the bitmap must outlive the search."""
    import faiss

    bits = np.packbits(mask, bitorder="little")
    return faiss.IDSelectorBitmap(mask.size, faiss.swig_ptr(bits)), bits


def _rows(found: np.ndarray) -> list[np.ndarray]:
    return [r[r >= 0].astype(np.int64) for r in found]


class _Compressed:
    """Shared by the faiss backends: count, single search (re-scored), save."""

    backend = ""
    filename = ""
    vectors: np.ndarray
    index: Any

    def count(self) -> int:
        return int(self.index.ntotal)

    def search_many(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[np.ndarray]:
        raise NotImplementedError

    def search(
        self, query: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        rows = self.search_many(query.reshape(1, -1), k, mask)[0]
        scores = np.asarray(self.vectors[rows] @ query, dtype=np.float32)
        order = np.argsort(-scores, kind="stable")
        return scores[order], rows[order]

    def save(self, folder: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(folder / self.filename))

    @staticmethod
    def _small_mask(mask: np.ndarray | None) -> bool:
        return mask is not None and int(np.count_nonzero(mask)) <= EXACT_ROWS_UP_TO


class FaissSQ8Index(_Compressed):
    backend = "faiss-sq8"
    filename = "sq8.faiss"

    def __init__(self, vectors: np.ndarray, index: Any = None) -> None:
        import faiss

        self.vectors = vectors
        if index is None:
            dims = vectors.shape[1]
            index = faiss.IndexScalarQuantizer(
                dims, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            )
            index.train(_sample(vectors, TRAIN_SAMPLE))
            _add(index, vectors)
        self.index = index

    def search_many(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[np.ndarray]:
        import faiss

        if self._small_mask(mask):
            return exact_search_many(self.vectors, queries, k, mask)
        q = np.ascontiguousarray(queries, dtype=np.float32)
        k = min(k, self.count())
        if mask is None:
            return _rows(self.index.search(q, k)[1])
        params = faiss.SearchParameters()
        params.sel, bits = _selector(mask)
        found = self.index.search(q, k, params=params)[1]
        del bits
        return _rows(found)


def ivf_lists(n: int) -> int:
    """About 4·sqrt(n) lists (100k → 1216, 1M → 3968), the usual faiss guidance; tiny collections
    (tests) get at most one list per vector."""
    return max(1, min(n, max(16, int(4 * np.sqrt(n)) // 64 * 64)))


class FaissIvfIndex(_Compressed):
    backend = "faiss-ivf"
    filename = "ivf.faiss"

    def __init__(
        self, vectors: np.ndarray, index: Any = None, nlist: int | None = None, nprobe: int | None = None
    ) -> None:
        import faiss

        self.vectors = vectors
        if index is None:
            dims = vectors.shape[1]
            nlist = nlist or ivf_lists(vectors.shape[0])
            quantizer = faiss.IndexFlatIP(dims)
            index = faiss.IndexIVFScalarQuantizer(
                quantizer, dims, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            )
            index.cp.seed = 7  # a rebuild of the same vectors gives the same lists
            # k-means is most of the build: 4 iterations over 40 points a list are enough for
            # coarse lists (the re-scoring makes the ranking exact anyway).
            index.cp.niter = TRAIN_ITERATIONS
            index.train(_sample(vectors, TRAIN_PER_LIST * nlist))
            _add(index, vectors)
        self.index = index
        self.nprobe = nprobe or ivf_nprobe(vectors.shape[0])

    def search_many(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[np.ndarray]:
        import faiss

        if self._small_mask(mask):
            return exact_search_many(self.vectors, queries, k, mask)
        q = np.ascontiguousarray(queries, dtype=np.float32)
        k = min(k, self.count())
        bits = None
        params = faiss.SearchParametersIVF()
        params.nprobe = self.nprobe
        if mask is not None:
            # A filter keeping a share s of the rows pushes its top 10 down to rank ~10/s of the
            # unfiltered ranking, into lists further from the query: probe more (by 1/sqrt(s),
            # measured to keep recall 1.0 at 1M for s = 1-50%).
            share = max(np.count_nonzero(mask) / mask.size, 1e-4)
            params.sel, bits = _selector(mask)
            params.nprobe = min(self.index.nlist, int(self.nprobe / min(1.0, np.sqrt(share))))
        found = self.index.search(q, k, params=params)[1]
        del bits
        return _rows(found)


class FaissHnswIndex(_Compressed):
    backend = "faiss-hnsw"
    filename = "hnsw.faiss"

    def __init__(self, vectors: np.ndarray, index: Any = None, m: int = 16, ef_search: int = 128) -> None:
        import faiss

        self.vectors = vectors
        if index is None:
            qtype: Any = faiss.ScalarQuantizer.QT_8bit
            index = faiss.IndexHNSWSQ(vectors.shape[1], qtype, m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 40
            index.train(_sample(vectors, TRAIN_SAMPLE))
            _add(index, vectors)
        self.index = index
        self.index.hnsw.efSearch = ef_search

    def search_many(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[np.ndarray]:
        # A graph walk with a selector loses almost all recall on selective filters (perf notes):
        # filtered searches are exact over the allowed rows.
        if mask is not None:
            return exact_search_many(self.vectors, queries, k, mask)
        found = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), min(k, self.count()))[1]
        return _rows(found)
