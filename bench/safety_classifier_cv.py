"""Leave-one-file-out cross-validation of the safety classifier as a vote beside the detector.

    python bench/safety_classifier_cv.py [--real] [--cache PATH] [--thresholds 0.5,0.6,0.7] [--c 8]

Every labelled file we own (navigator/chat/safety/data/training/*.jsonl; never
tests/fixtures/safety/holdout_v2.jsonl, the blind judge) is one group: each file was
written by one author in one sitting, so holding out a whole file asks how the classifier does on
someone else's phrasings. For each held-out file the classifier is fitted on all the other files and
the file is scored (recall of the right category, as evaluate.py counts it; must-catch recall; false-
positive rate) for the detector alone and for detector + classifier at each threshold.

`--real` runs the detector with the real embedder (phrase rules + semantic match, as in the product);
its answers do not depend on the classifier, so they are computed once and kept in `--cache`.
Without `--real` the detector is the phrase rules alone (fast; the semantic part is not measured).
Note the detector's rules and examples were tuned with these files in view, so "detector alone"
is optimistic on them; the classifier's figures are honest (it never sees the held-out file).

Measured 2026-11-23 (real embedder; C=16, unweighted classes; 12 files, 5,910 messages; recall /
must-catch / FPR; threshold 0.7 is shipped, chosen on the 10-file run before the last two files were
added; the detector's answers were cached before its newest masks):

    held-out file          n  detector alone    + clf @0.6        + clf @0.7        + clf @0.8
                               rec  must  FPR    rec  must  FPR    rec  must  FPR    rec  must  FPR
    abuse_child      537/204   54.6     -  7.4   84.4     -  7.8   78.8     -  7.4   74.5     -  7.4
    generalisation   262/139  100.0 100.0  0.0  100.0 100.0  2.9  100.0 100.0  2.2  100.0 100.0  0.0
    holdout            38/23  100.0 100.0  0.0  100.0 100.0  0.0  100.0 100.0  0.0  100.0 100.0  0.0
    idioms_lead         0/66  100.0     - 13.6  100.0     - 18.2  100.0     - 16.7  100.0     - 15.2
    labelled         668/448  100.0 100.0  0.0  100.0 100.0  4.5  100.0 100.0  2.7  100.0 100.0  1.8
    medical_ordinary 278/429   69.8     -  7.0   90.3     -  7.9   88.8     -  7.0   84.9     -  7.0
    mixed_v3         340/140   51.2  59.3  7.9   85.3  88.4  9.3   80.6  84.9  8.6   75.0  77.9  8.6
    suicide_selfharm 512/246   70.5     -  9.3   82.0     - 12.2   79.1     - 11.0   77.0     - 10.2
    unmistakable_c   260/100   53.8  53.8 14.0   90.8  90.8 14.0   85.4  85.4 14.0   81.2  81.2 14.0
    voices_a         300/120   62.7  69.2 10.0   89.3  92.3 10.8   87.7  89.7 10.8   83.3  84.6 10.8
    voices_b         300/120   58.7  67.9 14.2   88.7  92.9 15.8   85.7  90.5 15.0   81.3  86.9 14.2
    voices_d         270/110   56.3  70.4 11.8   88.1  91.4 19.1   85.2  88.9 15.5   80.4  87.7 13.6
    all files pooled    5910   70.3  71.5  6.7   90.0  93.4  9.1   87.4  90.6  8.0   84.3  87.5  7.4

Most false positives are the detector's own (its phrase rules and semantic match on the newest
files' hard negatives: slang, games, training); the classifier adds 1.3 points at 0.7.
With the first 7 files (4,264 messages) and 0.8: pooled 81.7% / 93.8% / 5.5%. A tenth file of 66
harmless senses (idioms_lead.jsonl) was added afterwards, when 0.7 flagged three of the unit tests'
near misses ("he threw me a surprise party", "kill weeds", "won't be around next week").

C swept on the 12 files (pooled recall / must-catch / FPR): C=8 @0.7 85.2/88.5/7.7, C=32 @0.7
88.9/92.3/8.5, C=32 @0.8 85.9/89.3/7.7, C=64 @0.8 87.6/90.7/8.0 (C=16 @0.7: 87.4/90.6/8.0): one
recall-for-FPR frontier whatever C, so C=16 stays.
Also tried: must-catch messages counted 3x in training (`--must-weight 3`): pooled must-catch at 0.7
93.3% -> 93.1%, recall 86.2% -> 86.5% (10 files): no gain, not shipped. Also tried, no better at the
same false-positive rate: class-balanced weights (C 4-16); word
n-grams only; char 3-6; a vote only when the semantic similarity to the same category is also above
0.35-0.5 (less recall for the same FPR); vetoing semantic-only flags the classifier calls ordinary.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from navigator.chat.safety.classifier_train import EMBEDDING_SCALE, C, embed_texts, fit
from navigator.chat.safety.detector import classifier_text, detect
from navigator.chat.safety.evaluate import load_examples_file
from navigator.chat.safety.semantic import message_parts

REPO = Path(__file__).resolve().parents[1]
TRAINING = REPO / "navigator/chat/safety/data/training"
BLIND = "holdout_v2"


@dataclass(frozen=True)
class Row:
    group: str
    text: str
    category: str  # "" = ordinary
    must_catch: bool
    detected: tuple[str, ...]  # the detector's category then its `also` (empty = not flagged)


def owned_files() -> list[Path]:
    """Every labelled file the classifier trains on (never the blind set, which lives in tests/)."""
    return [p for p in sorted(TRAINING.glob("*.jsonl")) if BLIND not in p.stem]


def detector_answers(paths: list[Path], real: bool, cache: Path | None) -> dict[str, tuple[str, ...]]:
    """text -> (category, *also) from the current detector, cached for the real-embedder run."""
    known: dict[str, tuple[str, ...]] = {}
    mode = "real" if real else "rules"
    if cache is not None and cache.is_file():
        for line in cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["mode"] == mode:
                known[row["text"]] = tuple(row["detected"])
    texts = [e.text for p in paths for e in load_examples_file(p) if e.text not in known]
    if texts:
        embedder = None
        with tempfile.TemporaryDirectory() as tmp:
            if real:
                from navigator.config import Settings
                from navigator.search.embedder import load_embedder

                embedder = load_embedder(Settings(data_dir=Path(tmp)))
            for text in texts:
                result = detect(text, embedder=embedder, classifier=False)
                known[text] = (result.category, *result.also) if result.category else ()
                if cache is not None:
                    with cache.open("a", encoding="utf-8") as fh:
                        fh.write(json.dumps({"mode": mode, "text": text, "detected": known[text]}) + "\n")
    return known


def sentence_vectors(texts: list[str]) -> dict[str, np.ndarray]:
    """Prepared text -> its sentence embedding from the default model (what the joint model reads)."""
    from navigator.config import Settings
    from navigator.search.embedder import load_embedder

    unique = list(dict.fromkeys(texts))
    with tempfile.TemporaryDirectory() as tmp:
        matrix = embed_texts(unique, load_embedder(Settings(data_dir=Path(tmp))))
    return dict(zip(unique, matrix, strict=True))


def load_rows(paths: list[Path], answers: dict[str, tuple[str, ...]]) -> list[Row]:
    rows: list[Row] = []
    for path in paths:
        for e in load_examples_file(path):
            rows.append(Row(path.stem, e.text, e.category or "", e.must_catch, answers[e.text]))
    return rows


def combine(
    detected: tuple[str, ...], probs: dict[str, float], threshold: float, prepared: str
) -> tuple[str, ...]:
    """The product's rule (detector.py): categories the classifier is sure of join the detector's,
    when the text has enough words for it to go on (semantic.message_parts, as the detector asks)."""
    if not message_parts(prepared):
        return detected
    extra = [c for c, p in sorted(probs.items(), key=lambda kv: -kv[1]) if c and p >= threshold]
    return tuple(dict.fromkeys([*detected, *extra]))


def figures(rows: list[Row], answers: list[tuple[str, ...]]) -> tuple[float, float, float, int, int]:
    risk = [(r, a) for r, a in zip(rows, answers, strict=True) if r.category]
    must = [(r, a) for r, a in risk if r.must_catch]
    safe = [a for r, a in zip(rows, answers, strict=True) if not r.category]
    recall = sum(r.category in a for r, a in risk) / len(risk) if risk else 1.0
    must_recall = sum(r.category in a for r, a in must) / len(must) if must else float("nan")
    fpr = sum(bool(a) for a in safe) / len(safe) if safe else 0.0
    return recall, must_recall, fpr, len(risk), len(safe)


def _cell(recall: float, must: float, fpr: float) -> str:
    must_text = "     -" if must != must else f"{must:6.1%}"  # NaN: the file has no must-catch lines
    return f"{recall:6.1%} {must_text} {fpr:5.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--real", action="store_true", help="detector with the real embedder")
    parser.add_argument("--cache", type=Path, help="keep the detector's answers here between runs")
    parser.add_argument("--thresholds", default="0.5,0.6,0.7,0.8")
    parser.add_argument("--c", type=float, default=C, help=f"regularisation (shipped: {C})")
    parser.add_argument("--misses", action="store_true", help="print what the combination still misses")
    parser.add_argument(
        "--must-weight", type=float, default=1.0, help="how much a must-catch message counts in training"
    )
    parser.add_argument(
        "--joint", action="store_true", help="the joint model (n-grams + sentence embedding), as shipped"
    )
    parser.add_argument("--scale", type=float, default=EMBEDDING_SCALE, help="embedding columns' scale")
    args = parser.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    paths = owned_files()
    rows = load_rows(paths, detector_answers(paths, args.real, args.cache))
    prepared = {r.text: classifier_text(r.text) for r in rows}
    vectors = sentence_vectors(list(prepared.values())) if args.joint else None
    if vectors is not None:
        vectors = {text: vectors[p] for text, p in prepared.items()}
    groups = sorted({r.group for r in rows})
    header = f"{'held-out file':<20} {'n':>5}  {'detector alone':<22}" + "".join(
        f"  {'+ clf @' + str(t):<22}" for t in thresholds
    )
    print(header + "\n" + " " * 28 + "   ".join(["recall must  FPR  "] * (1 + len(thresholds))))
    pooled: dict[float, list[tuple[Row, tuple[str, ...]]]] = {t: [] for t in [-1.0, *thresholds]}
    for group in groups:
        train = [r for r in rows if r.group != group]
        test = [r for r in rows if r.group == group]
        weights = [args.must_weight if r.must_catch else 1.0 for r in train]
        model = fit(
            [prepared[r.text] for r in train],
            [r.category for r in train],
            c=args.c,
            weights=weights,
            vectors=None if vectors is None else np.stack([vectors[r.text] for r in train]),
            model_id="bench",
            scale=args.scale,
        )
        probs = [
            model.vote(prepared[r.text], None if vectors is None else vectors[r.text], "bench")[0]
            for r in test
        ]
        cells = []
        for t in [-1.0, *thresholds]:
            answers = [
                r.detected if t < 0 else combine(r.detected, p, t, prepared[r.text])
                for r, p in zip(test, probs, strict=True)
            ]
            pooled[t] += list(zip(test, answers, strict=True))
            recall, must, fpr, _, _ = figures(test, answers)
            cells.append(_cell(recall, must, fpr))
            if args.misses and t == thresholds[0]:
                for r, a, p in zip(test, answers, probs, strict=True):
                    if (r.category and r.category not in a) or (not r.category and a):
                        top = max(p, key=p.__getitem__)
                        got = f"got {a!s:<30} clf {top or '-'} {p[top]:.2f}"
                        print(f"    {r.category or '-':<17} {got} {r.text!r}")
        _, _, _, n_risk, n_safe = figures(test, [r.detected for r in test])
        print(f"{group:<20} {n_risk:>3}/{n_safe:<3} " + "   ".join(cells))
    total = [figures([r for r, _ in pooled[t]], [a for _, a in pooled[t]]) for t in [-1.0, *thresholds]]
    print(f"{'all files pooled':<20} {len(rows):>7} " + "   ".join(_cell(r, m, f) for r, m, f, _, _ in total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
