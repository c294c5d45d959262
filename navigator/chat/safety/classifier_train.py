"""Fit the safety classifier (classifier.py) and rewrite data/classifier.npz.

    python -m navigator.chat.safety.classifier_train

Run it after changing any file in data/training/ (tests/test_safety_classifier.py fails while the
weights are stale). Needs scikit-learn (installed with sentence-transformers) and the embedding model
(the joint model is fitted on the messages' sentence embeddings); the product itself scores with numpy
only. Embedding the messages takes about a minute on 2 cores, fitting a few seconds; both are
deterministic on one machine.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from navigator.chat.safety.classifier import (
    WEIGHTS,
    Classifier,
    JointWeights,
    data_hash,
    features,
    save_classifier,
)
from navigator.chat.safety.rules import CATEGORIES

C = 16.0  # inverse regularisation; chosen by leave-one-file-out CV (bench/safety_classifier_cv.py)
MIN_DF = 2  # n-grams seen in one message only are mostly names and typos: they only overfit
# The probability from which the detector takes the classifier's vote (same bench). With the 9 files
# of 2026-11-23, pooled leave-one-file-out: 0.8 → recall 83.7%, must-catch 90.6%, FPR 6.5%; 0.7 →
# 86.0%, 92.9%, 7.1%; 0.6 → 88.9%, 94.6%, 8.1% (the detector alone: 72.8%, 81.5%, 5.8%; most of the
# false positives are its own). Tuned for recall, as safety must be, at +0.6 points of FPR.
THRESHOLD = 0.7
# The joint model (n-grams + the message's sentence embedding): the embedding columns' scale and the
# vote's threshold, chosen by the same bench (see its docstring for the figures).
EMBEDDING_SCALE = 0.5
JOINT_THRESHOLD = 0.55
CLASSES = ("", *CATEGORIES)  # "" = ordinary message


def fit(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    c: float = C,
    min_df: int = MIN_DF,
    threshold: float = THRESHOLD,
    data_hash: str = "",
    balanced: bool = False,
    weights: Sequence[float] | None = None,
    vectors: np.ndarray | None = None,
    model_id: str = "",
    scale: float = EMBEDDING_SCALE,
    joint_threshold: float = JOINT_THRESHOLD,
) -> Classifier:
    """Fit on already prepared texts (the detector's `classifier_text`) and labels (category or "");
    `weights` (one per text) make some messages count more, e.g. the unmistakable must-catch ones.
    With `vectors` (the texts' sentence embeddings from `model_id`), the joint model is fitted too."""
    from scipy.sparse import csr_matrix, hstack

    index, idf, matrix = _tfidf(texts, min_df)
    y = np.array([CLASSES.index(label) for label in labels])
    sample_weight = None if weights is None else np.asarray(weights, dtype=np.float64)
    coef, intercept = _logistic(matrix, y, c, balanced, sample_weight, labels)
    joint = None
    if vectors is not None:
        if len(vectors) != len(texts):
            raise ValueError(f"{len(vectors)} vectors for {len(texts)} texts")
        both = hstack([matrix, csr_matrix(np.asarray(vectors, dtype=np.float64) * scale)]).tocsr()
        joint_coef, joint_intercept = _logistic(both, y, c, balanced, sample_weight, labels)
        joint = JointWeights(model_id, scale, joint_coef, joint_intercept, joint_threshold)
    return Classifier(
        classes=CLASSES,
        index=index,
        idf=idf.astype(np.float32),
        coef=coef,
        intercept=intercept,
        threshold=threshold,
        data_hash=data_hash,
        joint=joint,
    )


def _tfidf(texts: Sequence[str], min_df: int) -> tuple[dict[str, int], np.ndarray, Any]:
    """The vocabulary (n-grams in at least `min_df` texts), its idf, and the texts' unit tf-idf rows,
    exactly as `Classifier` computes them when scoring."""
    from scipy.sparse import csr_matrix

    counted = [features(t) for t in texts]
    df: Counter[str] = Counter()
    for grams in counted:
        df.update(grams.keys())
    vocabulary = sorted(g for g, n in df.items() if n >= min_df)
    index = {g: i for i, g in enumerate(vocabulary)}
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1.0 for g in vocabulary])
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, grams in enumerate(counted):
        found = [(index[g], (1.0 + math.log(k)) * idf[index[g]]) for g, k in grams.items() if g in index]
        norm = math.sqrt(sum(v * v for _, v in found)) or 1.0
        for col, value in found:
            rows.append(r)
            cols.append(col)
            vals.append(value / norm)
    return index, idf, csr_matrix((vals, (rows, cols)), shape=(n, len(vocabulary)))


def _logistic(
    matrix: Any,
    y: np.ndarray,
    c: float,
    balanced: bool,
    sample_weight: np.ndarray | None,
    labels: Sequence[str],
) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None)
    model.fit(matrix, y, sample_weight=sample_weight)
    # Every class must be present for the coefficient rows to line up with CLASSES.
    if list(model.classes_) != list(range(len(CLASSES))):
        raise ValueError(f"training data lacks a class: have {sorted(set(labels))}, need {CLASSES}")
    return model.coef_.astype(np.float32), model.intercept_.astype(np.float32)


def embed_texts(texts: Sequence[str], embedder: Any, batch: int = 64) -> np.ndarray:
    """Sentence embeddings of prepared texts, as the detector computes a message's whole vector."""
    from rich.progress import track

    rows = [
        np.asarray(embedder.embed_documents(list(texts[i : i + batch])), dtype=np.float32)
        for i in track(range(0, len(texts), batch), description="embedding training messages")
    ]
    return np.concatenate(rows) if rows else np.zeros((0, 0), dtype=np.float32)


def main() -> int:
    from navigator.chat.safety.classifier import training_files
    from navigator.chat.safety.detector import classifier_text
    from navigator.chat.safety.evaluate import load_examples_file
    from navigator.config import Settings
    from navigator.search.embedder import load_embedder, model_id_for

    paths = training_files()
    examples = [e for path in paths for e in load_examples_file(path)]
    texts = [classifier_text(e.text) for e in examples]
    # The product's default embedder: the joint model answers only for vectors from this model.
    settings = Settings()
    model = fit(
        texts,
        [e.category or "" for e in examples],
        data_hash=data_hash(paths),
        vectors=embed_texts(texts, load_embedder(settings)),
        model_id=model_id_for(settings),
    )
    target = Path(str(resources.files("navigator.chat.safety") / "data" / WEIGHTS))
    save_classifier(target, model)
    print(
        f"{target}: {len(examples)} messages from {len(paths)} files, {len(model.index)} n-grams, "
        f"{target.stat().st_size // 1024} KB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
