"""Approximate/exact nearest neighbours behind one interface: index, search, count, save, load.

Vectors are unit length and scored by inner product (= cosine). Three backends:
- `NumpyIndex`: exact, the reference; also scores any candidate subset exactly (pre-filtering).
- `FaissFlatIndex`: exact, faster BLAS-backed scan (faiss IndexFlatIP).
- `FaissHnswIndex`: graph index for very large collections; exact vectors are kept alongside so that
  selective filters are answered by exact scoring of the candidates (HNSW with a selector loses
  almost all recall on selective filters).
`choose_backend(n)` picks by size; `load_ann(folder)` reads whatever a build wrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

import numpy as np

HNSW_FROM = 50_000  # measured: an exact scan at 100k cost 28-40 ms on this busy AVX2 VM, HNSW ~1 ms
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


class FaissSQ8Index:
    """Exact scan over 8-bit scalar-quantised vectors: a quarter of the memory traffic of floats (the
    scan is memory-bound), recall of the candidate set ~0.99, and candidates are re-scored exactly
    with the float vectors afterwards. Builds in about a second."""

    backend = "faiss-sq8"

    def __init__(self, vectors: np.ndarray, index: object | None = None) -> None:
        import faiss

        self.vectors = vectors
        if index is None:
            index = faiss.IndexScalarQuantizer(
                vectors.shape[1], faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            )
            index.train(
                np.ascontiguousarray(vectors[:: max(1, vectors.shape[0] // 50_000)], dtype=np.float32)
            )
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.index = index

    def count(self) -> int:
        return int(self.index.ntotal)  # type: ignore[attr-defined]

    def search_many(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[np.ndarray]:
        if mask is not None and mask.mean() < CANDIDATE_EXACT_BELOW:
            return exact_search_many(self.vectors, queries, k, mask)
        want = k if mask is None else int(k / max(float(mask.mean()), 1e-3)) + k
        _, rows = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), min(want, self.count()))  # type: ignore[attr-defined]
        out = []
        for r in rows:
            r = r[r >= 0].astype(np.int64)
            if mask is not None:
                r = r[mask[r]]
            out.append(r[:k])
        return out

    def search(
        self, query: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        rows = self.search_many(query.reshape(1, -1), k, mask)[0]
        return np.asarray(self.vectors[rows] @ query, dtype=np.float32), rows

    def save(self, folder: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(folder / "sq8.faiss"))  # type: ignore[call-overload]


class FaissHnswIndex:
    backend = "faiss-hnsw"

    def __init__(self, vectors: np.ndarray, index: object | None = None, m: int = 16, ef_search: int = 128):
        import faiss

        # The float vectors may be memory-mapped (large builds): only candidates' rows are ever read.
        self.vectors = vectors
        if index is None:
            # The graph stores its own copy of the vectors as 8-bit scalars (a quarter of the RAM of
            # floats); candidates are re-scored exactly with the float vectors, so ranking is exact.
            # M16/efC40 builds ~3x quicker than M32/efC80; recall is recovered by exact re-scoring.
            dims = vectors.shape[1]
            qtype: object = faiss.ScalarQuantizer.QT_8bit
            index = faiss.IndexHNSWSQ(dims, qtype, m, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
            index.hnsw.efConstruction = 40
            sample = vectors[:: max(1, vectors.shape[0] // 50_000)]
            index.train(np.ascontiguousarray(sample, dtype=np.float32))
            for start in range(0, vectors.shape[0], 100_000):
                index.add(np.ascontiguousarray(vectors[start : start + 100_000], dtype=np.float32))
        self.index = index
        self.index.hnsw.efSearch = ef_search  # type: ignore[attr-defined]

    def count(self) -> int:
        return int(self.index.ntotal)  # type: ignore[attr-defined]

    def search(
        self, query: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        if mask is not None and mask.mean() < CANDIDATE_EXACT_BELOW:
            return exact_search(self.vectors, query, k, mask)
        want = k if mask is None else int(k / max(mask.mean(), 1e-3)) + k
        scores, rows = self.index.search(query.reshape(1, -1).astype(np.float32), want)  # type: ignore[attr-defined]
        scores, rows = scores[0], rows[0].astype(np.int64)
        keep = rows >= 0
        if mask is not None:
            keep &= mask[np.where(rows >= 0, rows, 0)]
        return scores[keep][:k], rows[keep][:k]

    def search_many(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[np.ndarray]:
        if mask is not None and mask.mean() < CANDIDATE_EXACT_BELOW:
            return exact_search_many(self.vectors, queries, k, mask)
        return [self.search(q, k, mask)[1] for q in queries]

    def save(self, folder: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(folder / "hnsw.faiss"))  # type: ignore[call-overload]


def choose_backend(n: int) -> str:
    """Exact float scan while it is cheap, HNSW (8-bit graph storage, exact re-scoring) beyond.
    `faiss-sq8` (exact 8-bit scan) can be chosen explicitly where HNSW's build time matters more."""
    if n >= HNSW_FROM:
        return "faiss-hnsw"
    return "faiss-flat"


def build_ann(vectors: np.ndarray, backend: str) -> AnnIndex:
    if backend == "numpy":
        return NumpyIndex(vectors)
    if backend == "faiss-flat":
        return FaissFlatIndex(vectors)
    if backend == "faiss-hnsw":
        return FaissHnswIndex(vectors)
    if backend == "faiss-sq8":
        return FaissSQ8Index(vectors)
    raise ValueError(f"unknown ANN backend {backend!r}: use numpy, faiss-flat, faiss-sq8 or faiss-hnsw")


def load_ann(folder: Path, vectors: np.ndarray, backend: str) -> AnnIndex:
    if backend == "faiss-hnsw" and (folder / "hnsw.faiss").is_file():
        import faiss

        return FaissHnswIndex(vectors, index=faiss.read_index(str(folder / "hnsw.faiss")))
    if backend == "faiss-sq8" and (folder / "sq8.faiss").is_file():
        import faiss

        return FaissSQ8Index(vectors, index=faiss.read_index(str(folder / "sq8.faiss")))
    return build_ann(vectors, backend)


def describe(index: AnnIndex) -> str:
    return json.dumps({"backend": index.backend, "count": index.count()})
