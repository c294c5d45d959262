"""nDCG@10 / recall@10 as ../shared/eval/README.md defines them, on hand-worked examples."""

from __future__ import annotations

import math

from navigator.search.metrics import score_query, score_run


def test_perfect_and_empty_runs() -> None:
    rel = {"a": 2, "b": 1}
    assert score_query(["a", "b"], rel) == (1.0, 1.0)
    assert score_query([], rel) == (0.0, 0.0)


def test_graded_gain_and_log_discount() -> None:
    rel = {"a": 2, "b": 1}
    ndcg, recall = score_query(["x", "a", "b"], rel)
    dcg = 2 / math.log2(3) + 1 / math.log2(4)
    ideal = 2 / math.log2(2) + 1 / math.log2(3)
    assert math.isclose(ndcg, dcg / ideal)
    assert recall == 1.0


def test_duplicates_count_once_and_recall_caps_at_ten() -> None:
    rel = {f"r{i}": 2 for i in range(12)}
    ranked = ["r0", "r0", *[f"r{i}" for i in range(1, 12)]]
    _, recall = score_query(ranked, rel)
    assert recall == 1.0  # 10 hits / min(10, 12)


def test_missing_query_scores_zero() -> None:
    scores = score_run({"q1": ["a"]}, {"q1": {"a": 2}, "q2": {"b": 2}})
    assert scores["ndcg@10"] == 0.5 and scores["recall@10"] == 0.5 and scores["queries"] == 2
