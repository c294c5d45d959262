"""One index build in memory: vectors + ANN, keyword index, filter arrays, ids and docs.

`write_bundle` lays out a build folder (the manifest last, so a folder with a manifest is complete);
`IndexBundle.load` reads one back after checking its manifest against the configured model.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from navigator.search.ann import (
    EXACT_BACKENDS,
    AnnIndex,
    build_ann,
    choose_backend,
    load_ann,
    single_threaded,
)
from navigator.search.corpus_words import count_runs, lexicon_words
from navigator.search.docs_file import DocsFile, write_docs
from navigator.search.facts import ListingFacts
from navigator.search.filters import FilterArrays
from navigator.search.keyword import KeywordIndex
from navigator.search.manifest import Manifest

VECTORS = "vectors.npy"
IDS = "ids.json"
FILTERS = "filters.npz"
DOCS = "docs.jsonl"
MMAP_KEYWORD_FROM = 500_000
LEXICON = "lexicon.json"  # directory towns (for the gazetteer) and words (for the speller)
KEYWORD_DIR = "bm25"


@dataclass
class IndexBundle:
    folder: Path
    manifest: Manifest
    ids: list[str]  # the id each source published, per row
    sources: list[str]
    vectors: np.ndarray
    ann: AnnIndex
    keyword: KeywordIndex
    filters: FilterArrays
    docs: DocsFile
    towns: dict[str, tuple[float, float]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ids)

    @classmethod
    def load(cls, folder: Path, model_id: str, dimensions: int | None) -> IndexBundle:
        manifest = Manifest.read(folder)
        manifest.check(model_id, dimensions)
        # Large builds map the vectors instead of reading them: their compressed index does the scan
        # and only the candidates' float rows are ever read.
        mapped = manifest.backend not in EXACT_BACKENDS
        vectors = np.load(folder / VECTORS, mmap_mode="r" if mapped else None)
        if mapped:  # a plain array over the same mapping: np.memmap's indexing adds ~0.1 ms a call
            vectors = vectors.view(np.ndarray)
        ids = json.loads((folder / IDS).read_text(encoding="utf-8"))
        lexicon = json.loads((folder / LEXICON).read_text(encoding="utf-8"))
        return cls(
            folder=folder,
            manifest=manifest,
            ids=ids["source_id"],
            sources=ids["source"],
            vectors=vectors,
            ann=load_ann(folder, vectors, manifest.backend),
            # Mapped BM25 arrays cost Python overhead per query word; only worth it where RAM matters.
            keyword=KeywordIndex.load(folder / KEYWORD_DIR, mmap=manifest.count >= MMAP_KEYWORD_FROM),
            filters=FilterArrays.load(folder / FILTERS, manifest.filters_meta),
            docs=DocsFile(folder / DOCS),
            towns={k: (v[0], v[1]) for k, v in lexicon["towns"].items()},
            words=lexicon["words"],
        )

    def close(self) -> None:
        self.docs.close()


def write_bundle(
    folder: Path,
    *,
    build_id: str,
    facts: list[ListingFacts],
    vectors: np.ndarray,
    area_keys: list[set[str]],
    model_id: str,
    store_generation: int,
    backend: str | None = None,
    started: float | None = None,
    word_counts: Counter[str] | None = None,
) -> Manifest:
    """Write every file of a build into `folder` (which must exist and be empty). `word_counts`
    (from `AreaResolver.listing_keys_all`) saves counting the words again for the lexicon."""
    started = started or time.perf_counter()
    n = len(facts)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    np.save(folder / VECTORS, vectors)
    ids = {
        "source_id": [f.source_id for f in facts],
        "source": [f.source for f in facts],
        "store_id": [f.store_id for f in facts],
    }
    (folder / IDS).write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")
    backend = backend or choose_backend(n)
    # The dense index (faiss, which releases the GIL) trains on the second core while this thread
    # does the Python work: keyword index, filters, docs, lexicon.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ann-build") as pool:
        ann_built = pool.submit(_build_ann_file, vectors, backend, folder)
        keyword = KeywordIndex.build([f.text for f in facts]) if n else KeywordIndex.build([""])
        keyword.save(folder / KEYWORD_DIR)
        filters = FilterArrays.build(facts, area_keys)
        filters_meta = filters.save(folder / FILTERS)
        write_docs(folder / DOCS, (f.display for f in facts))
        words = lexicon(facts, word_counts)
        (folder / LEXICON).write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
        ann_built.result()
    manifest = Manifest(
        build_id=build_id,
        model_id=model_id,
        dimensions=int(vectors.shape[1]) if vectors.ndim == 2 else 0,
        backend=backend,
        count=n,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        store_generation=store_generation,
        counts={
            "listings": n,
            "active": int(filters.active.sum()),
            "located": int(filters.has_location.sum()),
            "categories": len(filters.categories.keys),
            "areas": len(filters.areas.keys),
        },
        filters_meta=filters_meta,
    )
    manifest.build_seconds = round(time.perf_counter() - started, 3)
    manifest.write(folder)
    return manifest


def directory_towns(facts: list[ListingFacts]) -> dict[str, tuple[float, float]]:
    """Town names as listings write them, each at the mean position of the venues that name it."""
    points: dict[str, list[tuple[float, float]]] = {}
    for f in facts:
        for town in f.towns:
            points.setdefault(town, []).extend(f.points)
    return {
        town: (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        for town, pts in points.items()
        if pts
    }


def _build_ann_file(vectors: np.ndarray, backend: str, folder: Path) -> None:
    single_threaded()  # one OpenMP thread: the other core is busy with the rest of the build
    build_ann(vectors, backend).save(folder)


def lexicon(facts: list[ListingFacts], word_counts: Counter[str] | None = None) -> dict[str, object]:
    """Directory towns (for the gazetteer) and the words the speller trusts: those the directory
    uses at least twice (a word seen once may be a typo)."""
    counts = word_counts if word_counts is not None else count_runs([f.text for f in facts])
    return {"towns": {k: list(v) for k, v in directory_towns(facts).items()}, "words": lexicon_words(counts)}
