"""A learned lexical vote: logistic regression over word and character n-grams (data/classifier.npz).

The phrase rules and the semantic match miss phrasings nobody wrote down; a linear model over
n-grams, trained on every labelled message we own (data/training/*.jsonl), generalises from word
pieces instead ("overdosed", "od'd", "pills" share "od"/"pill" pieces). It runs on plain numpy from a
small weights file: no scikit-learn at run time and nothing pickled. `classifier_train.py` fits the
model (with scikit-learn) and rewrites the file.

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
FORMAT = 1  # bumped when the feature recipe changes: an old weights file is then refused
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
class Classifier:
    """`classes` includes "" for an ordinary message; `coef` is (classes, features)."""

    classes: tuple[str, ...]
    index: dict[str, int]  # n-gram -> column
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    threshold: float  # the probability from which the detector takes the vote
    data_hash: str  # sha256 of the training files the weights were fitted on (staleness check)

    def probabilities(self, text: str) -> dict[str, float]:
        """Probability per class for a normalised text (a softmax over the classes, "" = ordinary)."""
        columns: list[int] = []
        values: list[float] = []
        for gram, count in features(text).items():
            column = self.index.get(gram)
            if column is not None:
                columns.append(column)
                values.append((1.0 + math.log(count)) * float(self.idf[column]))
        logits = self.intercept.astype(np.float64)
        if columns:
            vector = np.asarray(values)
            vector /= np.linalg.norm(vector)
            logits = logits + self.coef[:, columns].astype(np.float64) @ vector
        exp = np.exp(logits - logits.max())
        probs = exp / exp.sum()
        return {name: float(p) for name, p in zip(self.classes, probs, strict=True)}


def save_classifier(path: Path, model: Classifier) -> None:
    """Write the weights as a plain .npz (no pickled objects), atomically."""
    vocabulary = sorted(model.index, key=model.index.__getitem__)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        format=np.int64(FORMAT),
        classes=np.array(model.classes),
        vocabulary=np.frombuffer("\n".join(vocabulary).encode("utf-8"), dtype=np.uint8),
        idf=model.idf.astype(np.float32),
        coef=model.coef.astype(np.float32),
        intercept=model.intercept.astype(np.float32),
        threshold=np.float64(model.threshold),
        data_hash=np.array(model.data_hash),
    )
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
            model = Classifier(
                classes=tuple(str(c) for c in npz["classes"]),
                index={gram: i for i, gram in enumerate(vocabulary)},
                idf=npz["idf"],
                coef=npz["coef"],
                intercept=npz["intercept"],
                threshold=float(npz["threshold"]),
                data_hash=str(npz["data_hash"]),
            )
    except (OSError, KeyError, ValueError) as exc:
        raise SafetyConfigError(
            f"{where}: not a readable classifier weights file ({exc}). "
            "Rerun `python -m navigator.chat.safety.classifier_train`."
        ) from exc
    if model.coef.shape != (len(model.classes), len(vocabulary)) or model.idf.shape != (len(vocabulary),):
        raise SafetyConfigError(f"{where}: weights and vocabulary sizes disagree; retrain the classifier.")
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
