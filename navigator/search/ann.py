"""Approximate/exact nearest neighbours behind one interface: index, search, count, save, load.

Vectors are unit length and scored by inner product (= cosine). Backends:
- `NumpyIndex`: exact, the reference; also scores any candidate subset exactly (pre-filtering).
- `FaissFlatIndex`: exact, a BLAS-backed scan (faiss IndexFlatIP).
- `ann_faiss.FaissIvfIndex` (default for large collections), `FaissSQ8Index`, `FaissHnswIndex`:
  compressed codes that propose candidates; the engine re-scores them with the float vectors.
`choose_backend(n)` picks by size; `load_ann(folder)` reads whatever a build wrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import numpy as np

# An exact float scan is memory-bound: one query cost 15-19 ms at 100k and 105-118 ms at 1M on this
# 2-core AVX2 VM (bench/search_ann.py), too slow for a 10 ms page. IVF over 8-bit codes, re-scored,
# held recall@10 0.997 at 100k and 1.000 at 1M for ~1 ms; HNSW held 0.25-0.48 at 1M.
EXACT_UP_TO = 50_000
LARGE_BACKEND = "faiss-ivf"
EXACT_BACKENDS = ("numpy", "faiss-flat")
CANDIDATE_EXACT_BELOW = 0.25  # a mask selecting fewer than this share of rows is scored exactly


class AnnIndex(Protocol):
    backend: str
    vectors: np.ndarray  # (n, d) float32, kept for exact scoring of candidates

    def count(self) -> int: ...

    def search(
        self, query: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the best k rows, best first; with `mask`, only rows where it is True."""
        ...

    def search_many(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[np.ndarray]:
        """Rows of the best k for each query vector (best first)."""
        ...

    def save(self, folder: Path) -> None: ...


def single_threaded() -> None:
    """One query is one matrix-vector product: extra BLAS/OpenMP threads only add wake-ups, and on a
    busy 2-core machine their spinning multiplied search time ~30x (measured). Serve one thread per
    request; concurrency comes from requests."""
    try:
        import faiss

        faiss.omp_set_num_threads(1)
    except ImportError:  # pragma: no cover - faiss is a declared dependency
        pass
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with numpy/scipy stacks, not declared by us
        return
    threadpool_limits(limits=1, user_api="blas")


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, best first (argpartition, then sort only those k)."""
    k = min(k, scores.shape[0])
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def exact_search(
    vectors: np.ndarray, query: np.ndarray, k: int, mask: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    if mask is None:
        scores = vectors @ query
        rows = top_k(scores, k)
        return scores[rows], rows
    if mask.mean() >= CANDIDATE_EXACT_BELOW:  # broad: scan everything, no copy of the vectors
        scores = vectors @ query
        scores[~mask] = -np.inf
        rows = top_k(scores, k)
        rows = rows[np.isfinite(scores[rows])]
        return scores[rows], rows
    candidates = np.flatnonzero(mask)
    scores = vectors[candidates] @ query
    best = top_k(scores, k)
    return scores[best], candidates[best]


def exact_search_many(
    vectors: np.ndarray, queries: np.ndarray, k: int, mask: np.ndarray | None
) -> list[np.ndarray]:
    """Best k rows for each of several query vectors in ONE pass over the vectors: the scan is
    memory-bound, so m queries cost about as much as one."""
    if mask is not None and mask.mean() < CANDIDATE_EXACT_BELOW:
        candidates = np.flatnonzero(mask)
        scores = vectors[candidates] @ queries.T
        return [candidates[top_k(scores[:, j], k)] for j in range(queries.shape[0])]
    scores = vectors @ queries.T
    if mask is not None:
        scores[~mask] = -np.inf
    out = []
    for j in range(queries.shape[0]):
        rows = top_k(scores[:, j], k)
        out.append(rows[np.isfinite(scores[rows, j])])
    return out


class NumpyIndex:
    backend = "numpy"

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def count(self) -> int:
        return int(self.vectors.shape[0])

    def search(
        self, query: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        return exact_search(self.vectors, query, k, mask)

    def search_many(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[np.ndarray]:
        return exact_search_many(self.vectors, queries, k, mask)

    def save(self, folder: Path) -> None:
        pass  # the vectors file is the whole index


class FaissFlatIndex:
    backend = "faiss-flat"

    def __init__(self, vectors: np.ndarray) -> None:
        import faiss

        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.index = faiss.IndexFlatIP(self.vectors.shape[1])
        self.index.add(self.vectors)

    def count(self) -> int:
        return int(self.index.ntotal)

    def search(
        self, query: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        if mask is not None:
            return exact_search(self.vectors, query, k, mask)
        scores, rows = self.index.search(query.reshape(1, -1).astype(np.float32), min(k, self.count()))
        keep = rows[0] >= 0
        return scores[0][keep], rows[0][keep].astype(np.int64)

    def search_many(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[np.ndarray]:
        if mask is not None:
            return exact_search_many(self.vectors, queries, k, mask)
        _, rows = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), min(k, self.count()))
        return [r[r >= 0].astype(np.int64) for r in rows]

    def save(self, folder: Path) -> None:
        pass  # rebuilt from the vectors at load: adding n vectors to a flat index is a copy


def choose_backend(n: int) -> str:
    """Exact float scan while it is cheap (≤ 50k: under ~8 ms), IVF over 8-bit codes beyond, whose
    candidates the engine re-scores with the floats (figures in bench/README-search.md)."""
    if n > EXACT_UP_TO:
        return LARGE_BACKEND
    return "faiss-flat"


BACKENDS = ("numpy", "faiss-flat", "faiss-sq8", "faiss-ivf", "faiss-hnsw")


def build_ann(vectors: np.ndarray, backend: str) -> AnnIndex:
    from navigator.search import ann_faiss

    if backend == "numpy":
        return NumpyIndex(vectors)
    if backend == "faiss-flat":
        return FaissFlatIndex(vectors)
    if backend == "faiss-sq8":
        return ann_faiss.FaissSQ8Index(vectors)
    if backend == "faiss-ivf":
        return ann_faiss.FaissIvfIndex(vectors)
    if backend == "faiss-hnsw":
        return ann_faiss.FaissHnswIndex(vectors)
    raise ValueError(f"unknown ANN backend {backend!r}: use one of {', '.join(BACKENDS)}")


def load_ann(folder: Path, vectors: np.ndarray, backend: str) -> AnnIndex:
    """The index a build saved (compressed backends), or one rebuilt from the vectors (exact ones)."""
    from navigator.search import ann_faiss

    saved: dict[str, Any] = {
        "faiss-sq8": ann_faiss.FaissSQ8Index,
        "faiss-ivf": ann_faiss.FaissIvfIndex,
        "faiss-hnsw": ann_faiss.FaissHnswIndex,
    }
    kind = saved.get(backend)
    if kind is not None and (folder / kind.filename).is_file():
        import faiss

        loaded: AnnIndex = kind(vectors, index=faiss.read_index(str(folder / kind.filename)))
        return loaded
    return build_ann(vectors, backend)


def describe(index: AnnIndex) -> str:
    return json.dumps({"backend": index.backend, "count": index.count()})
