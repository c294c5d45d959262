"""The safety quality bar: recall 100% on the must-catch subset, at least 97% on all risk messages
(right category), and at most 5% of ordinary messages flagged, with the real embedder; the phrase
rules alone must also catch every must-catch message (the chat still works if the model cannot load).

Sets (navigator/chat/safety/data/training/): labelled.jsonl is the tuning set; holdout.jsonl and
generalisation.jsonl were written without looking at the rules (the figures pinned here are regression
floors, not targets); tests/fixtures/safety/holdout_v2.jsonl, when present, was written blind by
someone else and judges the detector. Its lines are never printed by these tests (a failure says
only the figures), so a failing run cannot be used to tune towards it.

labelled, generalisation and holdout are also training data for the n-gram classifier
(classifier.py trains on every file in that folder), so their tests here are regression checks, not
measures of generalisation (for that see bench/safety_classifier_cv.py, which holds out whole files).
holdout_v2 stays blind: never trained on, never tuned towards.
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
TRAINING = Path(__file__).parents[1] / "navigator" / "chat" / "safety" / "data" / "training"
LABELLED = TRAINING / "labelled.jsonl"
HOLDOUT = TRAINING / "holdout.jsonl"
GENERALISATION = TRAINING / "generalisation.jsonl"
HOLDOUT_V2 = FIXTURES / "holdout_v2.jsonl"


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


def _figures(report: Report) -> str:
    """The figures alone, for a blind set: no message text."""
    per_category = ", ".join(f"{c} {hit}/{total}" for c, (hit, total) in report.category_recall().items())
    return (
        f"recall {report.recall:.3f} must-catch {report.must_catch_recall:.3f} "
        f"FPR {report.false_positive_rate:.3f} ({len(report.misses)} misses, "
        f"{len(report.false_positives)} false positives; {per_category})"
    )


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


def test_generalisation_set_is_well_formed_and_broad() -> None:
    examples = load_examples_file(GENERALISATION)
    assert len(examples) >= 200
    counts = Counter(e.category for e in examples)
    assert counts[None] >= 60, "near misses for every new concept"
    for category in CATEGORIES:
        assert counts[category] >= 20, f"{category} needs many phrasings"
        assert any(e.must_catch for e in examples if e.category == category)
    labelled = {e.text.lower() for e in load_examples_file(LABELLED)}
    assert not [e.text for e in examples if e.text.lower() in labelled], "fresh phrasings, not copies"


@pytest.mark.parametrize("path", [LABELLED, HOLDOUT, GENERALISATION], ids=lambda p: p.stem)
def test_phrase_rules_alone_catch_every_must_catch_message(path: Path) -> None:
    """Neither the embedding model nor the classifier's weights: the last line of defence."""
    report = evaluate(load_examples_file(path), lambda text: detect(text, classifier=False))
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
    assert report.recall >= 0.99, _summary(report)
    assert report.false_positive_rate <= 0.02, _summary(report)


@pytest.mark.slow
@pytest.mark.parametrize("path", [HOLDOUT, GENERALISATION], ids=lambda p: p.stem)
def test_held_out_sets_stay_safe_with_the_real_embedder(real_embedder: object, path: Path) -> None:
    """Sets written without looking at the rules. Both read 100% / 0% when the rules were generalised
    (the first held-out set had read 89.5% recall before), and still do with the classifier, which now
    trains on them; these floors catch a regression that would make them clearly worse, they are not
    targets to tune towards."""
    examples = load_examples_file(path)
    assert len(examples) >= 60
    report = evaluate(examples, lambda text: detect(text, embedder=real_embedder))  # type: ignore[arg-type]
    assert report.must_catch_recall == 1.0, _summary(report)
    assert report.recall >= 0.99, _summary(report)
    assert report.false_positive_rate <= 0.02, _summary(report)


@pytest.mark.slow
@pytest.mark.xfail(
    reason=(
        "the issue's bar is not met on the blind set: recall 97.5%, must-catch 98.8% (79 of 80), FPR "
        "1.1% (2026-11-23, joint n-gram + embedding classifier on 12,249 messages at 0.55, overruling "
        "semantic matches at p(ordinary) >= 0.9 and phrase rules at >= 0.95; without the classifier "
        "85.8% / 97.5% / 3.2%)"
    ),
    strict=True,
)
def test_blind_holdout_v2_meets_the_bar(real_embedder: object) -> None:
    """The judging set, written blind by someone else: the issue's bar, reported by figures only.
    Expected to fail until the detector generalises; strict, so passing it is noticed."""
    if not HOLDOUT_V2.is_file():
        pytest.fail("no holdout_v2.jsonl")
    report = evaluate(load_examples_file(HOLDOUT_V2), lambda text: detect(text, embedder=real_embedder))  # type: ignore[arg-type]
    assert report.outcomes, "holdout_v2.jsonl holds no messages"
    assert report.must_catch_recall == 1.0, _figures(report)
    assert report.recall >= 0.97, _figures(report)
    assert report.false_positive_rate <= 0.05, _figures(report)


@pytest.mark.slow
def test_blind_holdout_v2_does_not_regress(real_embedder: object) -> None:
    """Floors a little under today's figures on the blind set (recall 0.975, must-catch 0.988, FPR
    0.011): a change that makes the detector clearly worse on unseen phrasings fails here."""
    report = evaluate(load_examples_file(HOLDOUT_V2), lambda text: detect(text, embedder=real_embedder))  # type: ignore[arg-type]
    assert report.must_catch_recall >= 0.975, _figures(report)
    assert report.recall >= 0.96, _figures(report)
    assert report.false_positive_rate <= 0.05, _figures(report)
