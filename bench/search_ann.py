"""Dense index choice at scale: recall@10 against an exact scan, per-query latency and memory, for
the backends `choose_backend` can pick, on the same scaled corpus as bench/search_speed.py.

    HF_HUB_OFFLINE=1 python bench/search_ann.py --n 1000000
    HF_HUB_OFFLINE=1 python bench/search_ann.py --vectors BUILD/vectors.npy --hnsw BUILD/hnsw.faiss

Queries are the real ones search_speed.py sends (the dev queries and their variants), embedded by
the product's embedder. Recall is measured the way the engine uses an index: it asks for 100
candidates and re-scores them with the float vectors, so `recall` is the overlap of that top 10 with
the exact top 10 (`raw` is the index's own top 10). Timing is one thread, one query at a time, as a
server worker runs it; `m2` is one call for two query vectors (a two-need query) where it differs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from search_common import CACHE, scaled_vectors, speed_queries

from navigator.search.ann import build_ann, choose_backend, single_threaded, top_k
from navigator.search.ann_faiss import FaissIvfIndex, ivf_lists

CANDIDATES = 100


def query_vectors(qs: list[str]) -> np.ndarray:
    from navigator.config import Settings
    from navigator.search.embedder import load_embedder

    path = CACHE / f"queries-{len(qs)}.npy"
    if path.exists():
        return np.load(path)
    embedder = load_embedder(Settings(data_dir=CACHE))
    vectors = np.stack([embedder.embed_query(q) for q in qs])
    np.save(path, vectors)
    return vectors


def exact_top(
    vectors: np.ndarray, queries: np.ndarray, k: int = 10, mask: np.ndarray | None = None
) -> list[set[int]]:
    scores = np.empty((vectors.shape[0], queries.shape[0]), dtype=np.float32)
    for start in range(0, vectors.shape[0], 200_000):
        scores[start : start + 200_000] = vectors[start : start + 200_000] @ queries.T
    if mask is not None:
        scores[~mask] = -np.inf
    return [set(top_k(scores[:, j], k).tolist()) for j in range(queries.shape[0])]


def filtered(vectors: np.ndarray, queries: np.ndarray, index: object, label: str) -> None:
    """Recall under filters (random masks of several shares) through the index's own mask path."""
    rng = np.random.default_rng(3)
    for share in (0.5, 0.1, 0.03, 0.01):
        mask = rng.random(vectors.shape[0]) < share
        truth = exact_top(vectors, queries, mask=mask)
        measure(
            f"{label}, filter keeping {share:.0%}",
            lambda q, k, mask=mask: index.search_many(q, k, mask)[0],  # type: ignore[attr-defined]
            vectors,
            queries,
            truth,
        )


def measure(
    name: str,
    search: Callable[[np.ndarray, int], np.ndarray],
    vectors: np.ndarray,
    queries: np.ndarray,
    truth: list[set[int]],
) -> dict[str, object]:
    times, recalls, raws = [], [], []
    for q, exact in zip(queries, truth, strict=True):
        t0 = time.perf_counter()
        candidates = search(q.reshape(1, -1), CANDIDATES)
        times.append((time.perf_counter() - t0) * 1000)
        best = candidates[top_k(vectors[candidates] @ q, 10)]
        recalls.append(len(exact & set(best.tolist())) / 10)
        raws.append(len(exact & set(candidates[:10].tolist())) / 10)
    pair = []
    for i in range(0, min(40, queries.shape[0] - 1), 2):
        t0 = time.perf_counter()
        search(queries[i : i + 2], CANDIDATES)
        pair.append((time.perf_counter() - t0) * 1000)
    row = {
        "index": name,
        "recall@10": round(float(np.mean(recalls)), 4),
        "recall_min": round(float(np.min(recalls)), 2),
        "raw@10": round(float(np.mean(raws)), 4),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "m2_p50_ms": round(statistics.median(pair), 2),
        "load": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(row), flush=True)
    return row


def faiss_searcher(index: object) -> Callable[[np.ndarray, int], np.ndarray]:
    def search(queries: np.ndarray, k: int) -> np.ndarray:
        _, rows = index.search(np.ascontiguousarray(queries, dtype=np.float32), k)  # type: ignore[attr-defined]
        return rows[0][rows[0] >= 0].astype(np.int64)

    return search


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--vectors", help="a build's vectors.npy instead of generating the corpus")
    parser.add_argument("--hnsw", help="a build's hnsw.faiss to measure at several efSearch")
    parser.add_argument("--nlist", help="comma list of IVF list counts (default: ivf_lists(n))")
    parser.add_argument("--nprobe", default="8,16,32,64,128")
    parser.add_argument("--skip", default="", help="comma list of: flat,sq8,ivf,filters,hnsw")
    args = parser.parse_args()
    import faiss

    skip = set(args.skip.split(","))
    vectors = np.load(args.vectors) if args.vectors else scaled_vectors(args.n)
    qs = speed_queries()
    queries = query_vectors(qs)
    print(f"{vectors.shape[0]:,} vectors, {len(qs)} queries, load {os.getloadavg()}", flush=True)
    truth = exact_top(vectors, queries)
    single_threaded()
    if "flat" not in skip:
        exact = build_ann(vectors, "numpy")
        measure(
            "numpy exact (float32 matmul)", lambda q, k: exact.search_many(q, k)[0], vectors, queries, truth
        )
        exact = build_ann(vectors, "faiss-flat")
        measure("faiss IndexFlatIP exact", lambda q, k: exact.search_many(q, k)[0], vectors, queries, truth)
        del exact
    if "sq8" not in skip:
        t0 = time.perf_counter()
        faiss.omp_set_num_threads(2)
        sq8 = build_ann(vectors, "faiss-sq8")
        print(f"sq8 build {time.perf_counter() - t0:.1f} s", flush=True)
        single_threaded()
        measure("faiss SQ8 exact scan", lambda q, k: sq8.search_many(q, k)[0], vectors, queries, truth)
        del sq8
    if "ivf" not in skip:
        for nlist in [int(x) for x in args.nlist.split(",")] if args.nlist else [ivf_lists(vectors.shape[0])]:
            t0 = time.perf_counter()
            faiss.omp_set_num_threads(2)
            ivf = FaissIvfIndex(vectors, nlist=nlist)
            print(f"ivf{nlist} build {time.perf_counter() - t0:.1f} s", flush=True)
            single_threaded()
            for nprobe in [int(x) for x in args.nprobe.split(",")]:
                ivf.nprobe = nprobe  # type: ignore[attr-defined]
                measure(
                    f"IVF{nlist},SQ8 nprobe {nprobe}",
                    lambda q, k, ivf=ivf: ivf.search_many(q, k)[0],
                    vectors,
                    queries,
                    truth,
                )
            del ivf
    if "filters" not in skip:
        faiss.omp_set_num_threads(2)
        default = build_ann(vectors, choose_backend(vectors.shape[0]))
        single_threaded()
        filtered(vectors, queries, default, f"default ({default.backend})")
    if args.hnsw and "hnsw" not in skip:
        index = faiss.read_index(args.hnsw)
        for ef in (128, 512, 1024):
            index.hnsw.efSearch = ef
            measure(f"HNSW (stored) ef {ef}", faiss_searcher(index), vectors, queries, truth)


if __name__ == "__main__":
    main()
