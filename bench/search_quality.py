"""Dev-set quality of the search over the real listings, through the same Searcher the API uses.

HF_HUB_OFFLINE=1 python bench/search_quality.py [--per-query] [--set dense=0.7 ...] [--out run.jsonl]
    [--docs int8] [--queries int8]   # ONNX variant embedding the listings / the queries (default fp32)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from search_common import build_real_bundle, load_dev

from navigator.config import Settings
from navigator.geo.outcodes import OutcodeTable
from navigator.search.embedder import Embedder, load_embedder
from navigator.search.factory import build_searcher
from navigator.search.metrics import score_query, score_run
from navigator.search.ranking import RankWeights
from navigator.search.schema import SearchRequest


def variant(embedder: Embedder, name: str) -> Embedder:
    """The configured embedder, or its int8 ONNX twin (vectors cached apart under its own id)."""
    if name == "fp32":
        return embedder
    from navigator.search.embed_onnx import OnnxEmbedder
    from navigator.search.embedder import resolve_model_path

    return OnnxEmbedder(
        resolve_model_path(embedder.model_id),
        f"{embedder.model_id}+{name}",
        cache_dir=Path("/tmp/navigator-bench/models"),
        variant=name,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--set", action="append", default=[], help="RankWeights field=value")
    parser.add_argument("--no-per-need", action="store_true")
    parser.add_argument("--out")
    parser.add_argument("--docs", default="fp32", choices=["fp32", "int8"])
    parser.add_argument(
        "--prune-keywords", action="store_true", help="keyword candidates from rare words, as at >= 200k"
    )
    parser.add_argument("--queries", default="fp32", choices=["fp32", "int8"])
    args = parser.parse_args()
    settings = Settings(data_dir=Path("/tmp/navigator-bench"))
    embedder = load_embedder(settings)
    table = OutcodeTable.load_default()
    docs, queries = variant(embedder, args.docs), variant(embedder, args.queries)
    if args.prune_keywords:
        from navigator.search import keyword_query

        keyword_query.PRUNE_FROM = 0
    bundle = build_real_bundle(docs, table)
    embedder = queries
    weights = RankWeights()
    for item in args.set:
        name, value = item.split("=")
        setattr(weights, name, type(getattr(weights, name))(float(value)))
    searcher = build_searcher(bundle, embedder, table, settings, weights, semantic_reasons=0)
    searcher.config.per_need = not args.no_per_need
    dev = load_dev()
    run, qrels = {}, {}
    t0 = time.perf_counter()
    for q in dev:
        response = searcher.search(SearchRequest(q=q["query"], limit=10))
        run[q["qid"]] = [r.id for r in response.results]
        qrels[q["qid"]] = q["relevant"]
        if args.per_query:
            nd, rc = score_query(run[q["qid"]], q["relevant"])
            u = response.query
            needs = ",".join(n.key for n in u.needs)
            place = u.place.label if u.place else "-"
            print(f"{q['qid']} nDCG {nd:.3f} R {rc:.3f} | needs={needs} place={place} age={u.age}", end=" ")
            print(f"| {q['query'][:60]}")
    elapsed = time.perf_counter() - t0
    result = score_run(run, qrels)
    print(
        f"nDCG@10 {result['ndcg@10']:.4f}  recall@10 {result['recall@10']:.4f}  "
        f"({len(dev)} queries, {elapsed / len(dev) * 1000:.1f} ms/query)  docs {args.docs}, "
        f"queries {args.queries}, weights={weights}"
    )
    if args.out:
        with open(args.out, "w") as handle:
            for qid, ids in run.items():
                handle.write(json.dumps({"qid": qid, "ids": ids}) + "\n")


if __name__ == "__main__":
    main()
