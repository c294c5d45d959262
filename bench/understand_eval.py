"""Eyeball query understanding on the dev queries, time it, and measure what it does for search.

    python bench/understand_eval.py [QUERIES.jsonl] [--embedder] [--labelled]
    python bench/understand_eval.py --search [--per-query]

Prints each query's needs (with the words that signalled them), place, age and constraints, then the
median and 95th-percentile time per message without an embedder (and with one, if asked).
`--labelled` scores the labelled fixture set instead (need accuracy, place/age exactness).
`--search` runs the dev set through the search core's Searcher over the real listings (bench/
search_common.py builds the index) with understanding variants: no needs, needs, needs + semantic
matching, and needs retrieved together rather than per need; it prints nDCG@10 / recall@10 for each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from navigator.search.understand import DirectoryGazetteer, OutcodeGazetteer, Understander

REPO = Path(__file__).resolve().parents[1]
DEFAULT_QUERIES = REPO.parent / "shared" / "eval" / "dev-queries.jsonl"
LABELLED = REPO / "tests" / "fixtures" / "understand" / "labelled.jsonl"
# Areas the real directories use that the outcode table does not name (a stand-in for the directory
# gazetteer the search core builds from listing addresses).
AREAS = {
    "Cheriton": (51.0905, 1.1440),
    "Sandgate": (51.0740, 1.1490),
    "Ashby": (53.5600, -0.6460),
    "Bottesford": (53.5530, -0.6490),
    "Crosby": (53.5950, -0.6540),
    "Riddings": (53.5720, -0.6770),
    "Easton": (51.4630, -2.5640),
    "Hythe": (51.0716, 1.0840),
    "Folkestone": (51.0814, 1.1660),
    "Scunthorpe": (53.5810, -0.6500),
}


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def show(understander: Understander, rows: list[dict]) -> None:
    for row in rows:
        q = understander(row["query"])
        print(f"{row.get('qid', '')} {row['query']}")
        for n in q.needs:
            print(f"    need {n.key:<24} {n.score:.2f}  «{n.matched}»  {n.display if n.qualifiers else ''}")
        extras = {
            "place": q.place.label if q.place else None,
            "age": q.age,
            "stage": q.life_stage,
            "free": q.free,
            "days": q.days or None,
            "times": q.times or None,
            "modes": q.modes or None,
            "for": q.about_someone_else,
            "repairs": list(q.repairs) or None,
        }
        print("    " + "  ".join(f"{k}={v}" for k, v in extras.items() if v is not None))
        print(f"    text: {q.text}")


def timing(understander: Understander, rows: list[dict], label: str) -> None:
    texts = [r.get("query") or r["text"] for r in rows]
    for t in texts:  # warm caches (pools, phrase vectors)
        understander(t)
    samples = []
    for _ in range(5):
        for t in texts:
            start = time.perf_counter()
            understander(t)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95)]
    print(f"{label}: median {statistics.median(samples):.2f} ms, p95 {p95:.2f} ms over {len(samples)} calls")


def score_labelled(understander: Understander, rows: list[dict]) -> None:
    ok_needs = ok_place = ok_age = 0
    for row in rows:
        q = understander(row["text"])
        got = set(q.need_keys)
        want = set(row.get("needs", []))
        allowed = want | set(row.get("also_ok", []))
        need_ok = want <= got and got <= allowed
        want_place = (row.get("place") or "").lower() or None
        place_ok = (q.place.label.lower() if q.place else None) == want_place
        age_ok = q.age == row.get("age")
        ok_needs += need_ok
        ok_place += place_ok
        ok_age += age_ok
        if not (need_ok and place_ok and age_ok):
            print(
                f"✗ {row['text']}\n    want {sorted(want)} (+{sorted(allowed - want)}) got {sorted(got)}"
                f"  place {q.place.label if q.place else None}/{row.get('place')}"
                f"  age {q.age}/{row.get('age')}"
            )
    n = len(rows)
    print(f"needs {ok_needs}/{n} = {ok_needs / n:.1%}   place {ok_place}/{n}   age {ok_age}/{n}")


def search_variants(per_query: bool) -> None:
    """nDCG@10 / recall@10 of the search core with different uses of the understood query."""
    import dataclasses

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from search_common import build_real_bundle, load_dev  # type: ignore[import-not-found]

    from navigator.config import Settings
    from navigator.geo.outcodes import OutcodeTable
    from navigator.search.embedder import QueryCache, load_embedder
    from navigator.search.factory import build_searcher
    from navigator.search.metrics import score_query, score_run
    from navigator.search.schema import SearchRequest
    from navigator.search.understand import Speller, load_vocabulary

    settings = Settings(data_dir=Path("/tmp/navigator-bench"))
    embedder = load_embedder(settings)
    table = OutcodeTable.load_default()
    bundle = build_real_bundle(embedder, table)
    dev = load_dev()
    cache = QueryCache(embedder)
    # The same gazetteer the search core builds per index: the directory's towns, then outcodes.
    gazetteer = DirectoryGazetteer(bundle.towns, OutcodeGazetteer(table))
    speller = Speller(bundle.words, load_vocabulary().domain_words())
    plain = Understander(gazetteer, vocabulary=speller)
    semantic = Understander(gazetteer, vocabulary=speller, embedder=embedder)

    def no_needs(text: str):  # type: ignore[no-untyped-def]
        return dataclasses.replace(plain(text), needs=[])

    variants = [
        ("no needs", no_needs, True),
        ("needs, per need", plain, True),
        ("needs, together", plain, False),
        ("needs+semantic, per need", semantic, True),
    ]
    for label, understander, per_need in variants:
        searcher = build_searcher(bundle, embedder, table, settings, query_cache=cache, semantic_reasons=0)
        searcher.understander = understander
        searcher.config.per_need = per_need
        run, qrels = {}, {}
        for q in dev:
            response = searcher.search(SearchRequest(q=q["query"], limit=10))
            run[q["qid"]] = [r.id for r in response.results]
            qrels[q["qid"]] = q["relevant"]
            if per_query:
                nd, rc = score_query(run[q["qid"]], q["relevant"])
                needs = ",".join(n.key for n in response.query.needs)
                print(f"  {q['qid']} nDCG {nd:.3f} R {rc:.3f} needs={needs}")
        result = score_run(run, qrels)
        print(f"{label:<28} nDCG@10 {result['ndcg@10']:.4f}  recall@10 {result['recall@10']:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", nargs="?", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--embedder", action="store_true", help="also use the real MiniLM model")
    parser.add_argument(
        "--labelled", action="store_true", help="score tests/fixtures/understand/labelled.jsonl"
    )
    parser.add_argument("--quiet", action="store_true", help="timings only")
    parser.add_argument("--search", action="store_true", help="nDCG of the search core with each variant")
    parser.add_argument("--per-query", action="store_true")
    args = parser.parse_args()
    if args.search:
        search_variants(args.per_query)
        return
    gazetteer = DirectoryGazetteer(AREAS, OutcodeGazetteer())
    plain = Understander(gazetteer)
    labelled_path = args.queries if args.queries != DEFAULT_QUERIES else LABELLED
    rows = load(labelled_path if args.labelled else args.queries)
    if args.labelled:
        score_labelled(plain, rows)
    elif not args.quiet:
        show(plain, rows)
    timing(plain, rows, "without embedder")
    if args.embedder:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from navigator.config import Settings
        from navigator.search.embedder import load_embedder

        embedder = load_embedder(Settings())
        semantic = Understander(gazetteer, embedder=embedder)
        if args.labelled:
            print("--- with embedder")
            score_labelled(semantic, rows)
        elif not args.quiet:
            print("--- with embedder")
            show(semantic, rows)
        timing(semantic, rows, "with embedder")


if __name__ == "__main__":
    sys.exit(main())
