"""The safety quality bar on the labelled set (tests/fixtures/safety/labelled.jsonl).

Recall 100% on the must-catch subset, at least 97% on all risk messages (right category), and at
most 5% of ordinary messages flagged, with the real embedder; the phrase rules alone must also
catch every must-catch message (the chat still works if the model cannot load).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from navigator.chat.safety import CATEGORIES, detect
from navigator.chat.safety.evaluate import Report, evaluate, load_examples_file

FIXTURES = Path(__file__).parent / "fixtures" / "safety"
LABELLED = FIXTURES / "labelled.jsonl"
HOLDOUT = FIXTURES / "holdout.jsonl"


def _summary(report: Report) -> str:
    lines = [
        f"recall {report.recall:.3f} must-catch {report.must_catch_recall:.3f} "
        f"FPR {report.false_positive_rate:.3f}"
    ]
    lines += [f"MISS {o.example.text!r} -> {o.result.category}" for o in report.misses]
    lines += [
        f"FP {o.example.text!r} -> {o.result.category} ({o.result.reason})" for o in report.false_positives
    ]
    return "\n".join(lines)


def test_labelled_set_is_well_formed_and_broad() -> None:
    examples = load_examples_file(LABELLED)
    assert len(examples) >= 300
    counts = Counter(e.category for e in examples)
    assert counts[None] >= 100, "at least 100 near misses and ordinary messages"
    for category in CATEGORIES:
        assert counts[category] >= 30, f"{category} needs many phrasings"
        assert any(e.must_catch for e in examples if e.category == category)
    assert not any(e.must_catch for e in examples if e.category is None)
    texts = [e.text for e in examples]
    assert len(texts) == len(set(texts)), "no duplicate messages"
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == {"text", "category", "must_catch", "note"}


def test_phrase_rules_alone_catch_every_must_catch_message() -> None:
    report = evaluate(load_examples_file(LABELLED), lambda text: detect(text))
    assert report.must_catch_recall == 1.0, _summary(report)
    assert report.recall >= 0.95, _summary(report)
    assert report.false_positive_rate <= 0.05, _summary(report)


@pytest.fixture(scope="module")
def real_embedder(tmp_path_factory: pytest.TempPathFactory) -> object:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from navigator.config import Settings
    from navigator.search.embedder import load_embedder

    return load_embedder(Settings(data_dir=tmp_path_factory.mktemp("safety-model")))


@pytest.mark.slow
def test_quality_bar_with_the_real_embedder(real_embedder: object) -> None:
    report = evaluate(load_examples_file(LABELLED), lambda text: detect(text, embedder=real_embedder))  # type: ignore[arg-type]
    assert report.must_catch_recall == 1.0, _summary(report)
    assert report.recall >= 0.97, _summary(report)
    assert report.false_positive_rate <= 0.05, _summary(report)


@pytest.mark.slow
def test_holdout_stays_safe_with_the_real_embedder(real_embedder: object) -> None:
    """The held-out set was written after tuning and never tuned on; this guards against regressions
    that would make it clearly worse than reported, not a target to tune towards."""
    if not HOLDOUT.is_file():
        pytest.skip("no holdout set")
    examples = load_examples_file(HOLDOUT)
    assert len(examples) >= 60
    report = evaluate(examples, lambda text: detect(text, embedder=real_embedder))  # type: ignore[arg-type]
    assert report.must_catch_recall == 1.0, _summary(report)
    assert report.flagged_recall >= 0.90, _summary(report)
    assert report.false_positive_rate <= 0.10, _summary(report)
