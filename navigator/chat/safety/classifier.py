"""A learned vote: logistic regression over word and character n-grams and, when the semantic check
has embedded the message, its sentence embedding too (data/classifier.npz).

The phrase rules and the semantic match miss phrasings nobody wrote down; a linear model over
n-grams, trained on every labelled message we own (data/training/*.jsonl), generalises from word
pieces ("overdosed", "od'd", "pills" share "od"/"pill" pieces); the embedding adds meaning that shares
no words ("she's gone blue" and "can't get my breath"). Two models share the n-gram vocabulary: the
joint one (n-grams + embedding) when the message vector comes from the embedding model it was trained
with, the lexical one otherwise (no embedder, another model, the semantic step failed). Both run on
plain numpy from a small weights file: no scikit-learn at run time and nothing pickled.
`classifier_train.py` fits them (with scikit-learn) and rewrites the file.

The text it scores is the detector's semantic text (normalised, idioms and topics masked, negated
mentions left out), so the classifier sees what the semantic match sees.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from navigator.chat.safety.config import SafetyConfigError
from navigator.util.atomic import atomic_write_bytes

WEIGHTS = "classifier.npz"
FORMAT = 2  # bumped when the feature recipe changes: an old weights file is then refused
CHAR_SIZES = (3, 4, 5)
WORD_SIZES = (1, 2)


def features(text: str) -> Counter[str]:
    """The n-grams of an already normalised text: words (and word pairs) and character runs within
    words padded by spaces (so "od" as a whole word differs from the "od" inside "food")."""
    words = text.split()
    grams: Counter[str] = Counter()
    for size in WORD_SIZES:
        for i in range(len(words) - size + 1):
            grams["w " + " ".join(words[i : i + size])] += 1
    for word in words:
        padded = f" {word} "
        for size in CHAR_SIZES:
            for i in range(len(padded) - size + 1):
                grams["c" + padded[i : i + size]] += 1
    return grams


@dataclass(frozen=True)
class JointWeights:
    """The n-grams-plus-embedding model. `coef` is (classes, n-grams + dimensions); the embedding
    columns were multiplied by `scale` in training (so a unit vector weighs about as much as the
    n-gram vector against one regularisation strength)."""

    model_id: str  # the embedding model whose vectors it was trained on
    scale: float
    coef: np.ndarray
    intercept: np.ndarray
    threshold: float


@dataclass(frozen=True)
class Classifier:
    """`classes` includes "" for an ordinary message; `coef` is (classes, features): the lexical
    model. `joint` (optional) is the n-grams-plus-embedding model."""

    classes: tuple[str, ...]
    index: dict[str, int]  # n-gram -> column
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    threshold: float  # the probability from which the detector takes the vote
    data_hash: str  # sha256 of the training files the weights were fitted on (staleness check)
    joint: JointWeights | None = None

    def probabilities(self, text: str) -> dict[str, float]:
        """Probability per class for a normalised text from the n-grams alone (a softmax over the
        classes, "" = ordinary)."""
        columns, values = self._grams(text)
        return self._softmax(self.intercept, self.coef, columns, values)

    def vote(
        self, text: str, vector: np.ndarray | None = None, model_id: str | None = None
    ) -> tuple[dict[str, float], float, bool]:
        """(probabilities, the threshold to vote from, whether the joint model answered). The joint
        model answers only for a vector from the model it was trained with: another model's vectors
        would be read with the wrong meaning."""
        columns, values = self._grams(text)
        joint = self.joint
        if (
            joint is None
            or vector is None
            or model_id != joint.model_id
            or vector.shape != (joint.coef.shape[1] - len(self.index),)
        ):
            return self._softmax(self.intercept, self.coef, columns, values), self.threshold, False
        logits_extra = joint.coef[:, len(self.index) :].astype(np.float64) @ (
            np.asarray(vector, dtype=np.float64) * joint.scale
        )
        probs = self._softmax(joint.intercept + logits_extra, joint.coef, columns, values)
        return probs, joint.threshold, True

    def _grams(self, text: str) -> tuple[list[int], np.ndarray]:
        """The text's n-gram columns and their tf-idf weights, unit length (as in training)."""
        columns: list[int] = []
        values: list[float] = []
        for gram, count in features(text).items():
            column = self.index.get(gram)
            if column is not None:
                columns.append(column)
                values.append((1.0 + math.log(count)) * float(self.idf[column]))
        vector = np.asarray(values, dtype=np.float64)
        if columns:
            vector /= np.linalg.norm(vector)
        return columns, vector

    def _softmax(
        self, intercept: np.ndarray, coef: np.ndarray, columns: list[int], values: np.ndarray
    ) -> dict[str, float]:
        logits = intercept.astype(np.float64)
        if columns:
            logits = logits + coef[:, columns].astype(np.float64) @ values
        exp = np.exp(logits - logits.max())
        probs = exp / exp.sum()
        return {name: float(p) for name, p in zip(self.classes, probs, strict=True)}


def save_classifier(path: Path, model: Classifier) -> None:
    """Write the weights as a plain .npz (no pickled objects), atomically."""
    vocabulary = sorted(model.index, key=model.index.__getitem__)
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT, dtype=np.int64),
        "classes": np.array(model.classes),
        "vocabulary": np.frombuffer("\n".join(vocabulary).encode("utf-8"), dtype=np.uint8),
        "idf": model.idf.astype(np.float32),
        "coef": model.coef.astype(np.float32),
        "intercept": model.intercept.astype(np.float32),
        "threshold": np.array(model.threshold, dtype=np.float64),
        "data_hash": np.array(model.data_hash),
    }
    if model.joint is not None:
        arrays |= {
            "joint_model_id": np.array(model.joint.model_id),
            "joint_scale": np.array(model.joint.scale, dtype=np.float64),
            "joint_coef": model.joint.coef.astype(np.float32),
            "joint_intercept": model.joint.intercept.astype(np.float32),
            "joint_threshold": np.array(model.joint.threshold, dtype=np.float64),
        }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **arrays)
    atomic_write_bytes(path, buffer.getvalue())


def read_classifier(data: bytes, where: str) -> Classifier:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if int(npz["format"]) != FORMAT:
                raise SafetyConfigError(
                    f"{where}: weights format {int(npz['format'])}, this code reads {FORMAT}. "
                    "Rerun `python -m navigator.chat.safety.classifier_train`."
                )
            vocabulary = bytes(npz["vocabulary"]).decode("utf-8").split("\n")
            joint = None
            if "joint_coef" in npz.files:
                joint = JointWeights(
                    model_id=str(npz["joint_model_id"]),
                    scale=float(npz["joint_scale"]),
                    coef=npz["joint_coef"],
                    intercept=npz["joint_intercept"],
                    threshold=float(npz["joint_threshold"]),
                )
            model = Classifier(
                classes=tuple(str(c) for c in npz["classes"]),
                index={gram: i for i, gram in enumerate(vocabulary)},
                idf=npz["idf"],
                coef=npz["coef"],
                intercept=npz["intercept"],
                threshold=float(npz["threshold"]),
                data_hash=str(npz["data_hash"]),
                joint=joint,
            )
    except (OSError, KeyError, ValueError) as exc:
        raise SafetyConfigError(
            f"{where}: not a readable classifier weights file ({exc}). "
            "Rerun `python -m navigator.chat.safety.classifier_train`."
        ) from exc
    if model.coef.shape != (len(model.classes), len(vocabulary)) or model.idf.shape != (len(vocabulary),):
        raise SafetyConfigError(f"{where}: weights and vocabulary sizes disagree; retrain the classifier.")
    if model.joint is not None and (
        model.joint.coef.shape[0] != len(model.classes)
        or model.joint.coef.shape[1] <= len(vocabulary)
        or model.joint.intercept.shape != (len(model.classes),)
    ):
        raise SafetyConfigError(f"{where}: joint weights do not fit the vocabulary; retrain the classifier.")
    return model


@lru_cache(maxsize=1)
def load_classifier() -> Classifier:
    """The packaged classifier (data/classifier.npz), read once per process."""
    data = (resources.files("navigator.chat.safety") / "data" / WEIGHTS).read_bytes()
    return read_classifier(data, f"navigator/chat/safety/data/{WEIGHTS}")


def training_files() -> list[Path]:
    """The labelled files the packaged classifier is fitted on (data/training/*.jsonl)."""
    folder = Path(str(resources.files("navigator.chat.safety") / "data" / "training"))
    return sorted(folder.glob("*.jsonl"))


def data_hash(paths: list[Path]) -> str:
    """A fingerprint of the training files (names and contents), to tell when the weights are stale."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
