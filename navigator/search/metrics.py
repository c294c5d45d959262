"""nDCG@10 and recall@10 exactly as ../shared/eval/score.py defines them (checked by a test)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def _dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def score_query(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> tuple[float, float]:
    """(nDCG@k, recall@k) of one ranked list; duplicate ids count once, at their first position."""
    seen: set[str] = set()
    top: list[str] = []
    for sid in ranked:
        if sid not in seen:
            seen.add(sid)
            top.append(sid)
        if len(top) == k:
            break
    ideal = _dcg(sorted(relevant.values(), reverse=True)[:k])
    ndcg = _dcg([relevant.get(s, 0) for s in top]) / ideal if ideal > 0 else 0.0
    n2 = sum(1 for g in relevant.values() if g == 2)
    hits = sum(1 for s in top if relevant.get(s, 0) == 2)
    recall = hits / min(k, n2) if n2 else 0.0
    return ndcg, recall


def score_run(run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """Mean nDCG@10 and recall@10 over every judged query; a query missing from the run scores 0."""
    if not qrels:
        return {"ndcg@10": 0.0, "recall@10": 0.0, "queries": 0}
    scores = [score_query(run.get(qid, []), rel) for qid, rel in qrels.items()]
    return {
        "ndcg@10": sum(s[0] for s in scores) / len(scores),
        "recall@10": sum(s[1] for s in scores) / len(scores),
        "queries": len(scores),
    }
