"""Leave-one-file-out cross-validation of the safety classifier as a vote beside the detector.

    python bench/safety_classifier_cv.py [--real] [--cache PATH] [--thresholds 0.5,0.6,0.7] [--c 8]

Every labelled file we own (navigator/chat/safety/data/training/*.jsonl; never
tests/fixtures/safety/holdout_v2.jsonl, the blind judge) is one group: each file was
written by one author in one sitting, so holding out a whole file asks how the classifier does on
someone else's phrasings. For each held-out file the classifier is fitted on all the other files and
the file is scored (recall of the right category, as evaluate.py counts it; must-catch recall; false-
positive rate) for the detector alone and for detector + classifier at each threshold.

`--real` runs the detector with the real embedder (phrase rules + semantic match + the fold's joint
classifier, through `detect` itself, as in the product; vectors are kept between folds); the detector
alone is computed once and kept in `--cache`. Without `--real` the detector is the phrase rules and the
n-gram model (fast; the semantic part and the joint model are not measured). `--lexical` measures the
n-gram model with the real embedder; `--semantic-veto 1.1` turns the joint model's veto off.
Note the detector's rules and examples were tuned with these files in view, so "detector alone"
is optimistic on them; the classifier's figures are honest (it never sees the held-out file).

Measured 2026-11-23 (later), 27 files, 12,249 messages, joint model overruling phrase rules at
p(ordinary) >= 0.95 (`--rule-veto`) and semantic matches at 0.9; pooled recall / must-catch / FPR:
@0.5 91.4/92.1/10.2, @0.55 (shipped) 90.5/91.2/9.5, @0.6 89.7/90.1/8.9; without the rule veto
@0.6 89.8/90.1/12.1, @0.65 (the previous settings) 88.5/88.9/11.7. On 22 files at 0.6 the rule veto
took FPR 11.6 -> 8.6% and lost 3 of 7,111 risk messages (none must-catch); overruling only rules
under 0.9 confidence kept half of those false alarms. A k-nearest-neighbour vote over the other
files' messages (cosine 0.6-0.8) added at most 0.3 points of recall for 0.7 of FPR: not shipped.
The newest files, held out: typed mid-crisis (voices_k) 84.5/87.4/14.9 at 0.55, reported and
forwarded words (voices_q) 80.3/80.5/19.9, young people (voices_o) 84.9/85.6/31.2.

Measured 2026-11-23, joint model (n-grams + embedding at scale 0.5, C=16), 18 files, 8,430 messages,
veto at 0.9 (shipped: threshold 0.65):

    held-out file        n        detector alone      + clf @0.65         + clf @0.7
                                  rec  must  FPR      rec  must  FPR      rec  must  FPR
    abuse_child        537/204    54.6     -   6.9    89.2     -   8.3    88.3     -   7.8
    generalisation     262/139   100.0 100.0   0.0   100.0 100.0   2.9   100.0 100.0   2.9
    holdout              38/23   100.0 100.0   0.0   100.0 100.0   0.0   100.0 100.0   0.0
    idioms_lead           0/66   100.0     -   4.5   100.0     -   7.6   100.0     -   7.6
    labelled           668/448   100.0 100.0   0.0   100.0 100.0   4.9   100.0 100.0   4.5
    medical_ordinary   278/429    69.8     -   6.5    95.0     -   7.0    93.5     -   6.8
    mixed_v3           340/140    51.2  59.3   7.9    88.8  91.9   8.6    87.1  91.9   8.6
    suicide_selfharm   512/246    70.5     -   8.9    89.1     -  10.2    87.7     -   9.3
    unmistakable_c     260/100    53.8  53.8  14.0    94.6  94.6  14.0    93.5  93.5  14.0
    voices_a           300/120    62.7  69.2   9.2    95.0  96.2   9.2    93.7  94.9   9.2
    voices_b           300/120    58.7  67.9  14.2    92.3  96.4  11.7    90.0  92.9  11.7
    voices_d           270/110    56.3  70.4  11.8    92.2  97.5  10.0    90.7  97.5  10.0
    voices_e           290/130    52.4  51.5   7.7    89.0  89.2   6.9    87.2  88.5   6.9
    voices_f           295/125    49.8  55.3   8.0    81.0  87.1   5.6    78.0  84.8   5.6
    voices_g           295/125    45.8  48.5   4.0    85.4  88.1   9.6    84.1  87.3   8.8
    voices_h           295/125    51.5  54.5  12.0    88.5  91.7  12.8    86.8  90.2  12.0
    voices_i           305/115    35.4  43.1  14.8    81.3  83.1  32.2    79.7  82.3  27.8
    voices_j           310/110    39.4  40.8  10.0    79.0  78.2  14.5    78.1  77.5  13.6
    all files pooled      8430    62.3  60.2   7.0    90.5  91.3   9.1    89.3  90.3   8.6

The same without the veto (`--semantic-veto 1.01`), pooled: 0.6 91.5/92.2/10.5, 0.65 90.5/91.2/10.0,
0.7 89.3/90.4/9.5, 0.75 87.9/89.4/9.3: the veto costs no recall and takes 0.5-0.9 points of FPR.
Scale and per-part scoring were chosen on out-of-fold probabilities (15 files, pooled, joint at 0.7):
scale 0.35 89.3/90.9/8.0, 0.5 89.9/91.5/8.3, 1.0 and 2.0 worse FPR for the recall; scoring every
clause and taking the most risky (max over `message_parts`) at 0.8 89.2/90.8/8.2, no better than the
whole message at a lower threshold; n-grams alone at 0.6 89.8/92.2/8.9. An LR over the embedding alone
at 0.9: 79.0/82.4/7.6, or averaged with the n-gram model: no better than n-grams alone.
The newest files are the hardest: risk described without its words (voices_i) has hard negatives
built as matched pairs, and its FPR is the highest (28-33%).

Earlier, the n-gram model alone (real embedder; C=16, unweighted classes; 12 files, 5,910
messages; recall / must-catch / FPR; its threshold 0.7, still the n-gram model's, was chosen on the
10-file run before the last two files were added; the detector's answers were cached before its newest masks):

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
import dataclasses
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from navigator.chat.safety import detector
from navigator.chat.safety.classifier import Classifier
from navigator.chat.safety.classifier_train import EMBEDDING_SCALE, C, fit
from navigator.chat.safety.detector import classifier_text, detect
from navigator.chat.safety.evaluate import load_examples_file

REPO = Path(__file__).resolve().parents[1]
TRAINING = REPO / "navigator/chat/safety/data/training"
BLIND = "holdout_v2"
MODEL_ID = "bench"  # the folds' joint models and the bench's embedder agree on this name


@dataclass(frozen=True)
class Row:
    group: str
    text: str
    category: str  # "" = ordinary
    must_catch: bool


def owned_files() -> list[Path]:
    """Every labelled file the classifier trains on (never the blind set, which lives in tests/)."""
    return [p for p in sorted(TRAINING.glob("*.jsonl")) if BLIND not in p.stem]


class MemoEmbedder:
    """The real embedder with every vector kept: each fold and threshold re-runs the detector on the
    same texts, and the model's answers do not change between runs."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self.model_id = MODEL_ID  # what the folds' joint models are fitted under
        self.vectors: dict[str, np.ndarray] = {}

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        for start in range(0, len(missing), 64):
            batch = missing[start : start + 64]
            found = np.asarray(self.embedder.embed_documents(batch), dtype=np.float32)
            self.vectors.update(zip(batch, found, strict=True))
        return np.stack([self.vectors[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def real_embedder() -> MemoEmbedder:
    from navigator.config import Settings
    from navigator.search.embedder import load_embedder

    return MemoEmbedder(load_embedder(Settings(data_dir=Path(tempfile.mkdtemp()))))


def answer(text: str, embedder: Any, classifier: Classifier | bool) -> tuple[str, ...]:
    """The detector's categories for a message (its category, then its `also`; empty = not flagged)."""
    result = detect(text, embedder=embedder, classifier=classifier)
    return (result.category, *result.also) if result.category else ()


def detector_answers(rows: list[Row], embedder: Any, cache: Path | None) -> dict[str, tuple[str, ...]]:
    """text -> the detector's answer without the classifier (rules + semantic match), cached."""
    known: dict[str, tuple[str, ...]] = {}
    mode = "rules" if embedder is None else "real"
    if cache is not None and cache.is_file():
        for line in cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["mode"] == mode:
                known[row["text"]] = tuple(row["detected"])
    for r in rows:
        if r.text not in known:
            known[r.text] = answer(r.text, embedder, False)
            if cache is not None:
                with cache.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"mode": mode, "text": r.text, "detected": known[r.text]}) + "\n")
    return known


def load_rows(paths: list[Path]) -> list[Row]:
    return [
        Row(path.stem, e.text, e.category or "", e.must_catch)
        for path in paths
        for e in load_examples_file(path)
    ]


def at_threshold(model: Classifier, threshold: float) -> Classifier:
    """The same weights voting from another probability (the joint model's too)."""
    joint = None if model.joint is None else dataclasses.replace(model.joint, threshold=threshold)
    return dataclasses.replace(model, threshold=threshold, joint=joint)


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
    parser.add_argument("--cache", type=Path, help="keep the detector-alone answers here between runs")
    parser.add_argument("--thresholds", default="0.6,0.65,0.7,0.8")
    parser.add_argument("--c", type=float, default=C, help=f"regularisation (shipped: {C})")
    parser.add_argument("--misses", action="store_true", help="print what the last threshold misses")
    parser.add_argument(
        "--dump", type=Path, help="write every message's answer at the last threshold (JSON lines)"
    )
    parser.add_argument(
        "--must-weight", type=float, default=1.0, help="how much a must-catch message counts in training"
    )
    parser.add_argument(
        "--lexical", action="store_true", help="the n-gram model alone, even with the real embedder"
    )
    parser.add_argument("--scale", type=float, default=EMBEDDING_SCALE, help="embedding columns' scale")
    parser.add_argument(
        "--semantic-veto",
        type=float,
        default=detector.SEMANTIC_VETO,
        help="P(ordinary) from which the joint model overrules a semantic match (above 1: never)",
    )
    parser.add_argument(
        "--rule-veto",
        type=float,
        default=detector.RULE_VETO,
        help="P(ordinary) from which the joint model overrules a phrase rule (above 1: never)",
    )
    args = parser.parse_args()
    detector.SEMANTIC_VETO = args.semantic_veto
    detector.RULE_VETO = args.rule_veto
    thresholds = [float(t) for t in args.thresholds.split(",")]
    rows = load_rows(owned_files())
    embedder = real_embedder() if args.real else None
    alone = detector_answers(rows, embedder, args.cache)
    prepared = {r.text: classifier_text(r.text) for r in rows}
    # The joint model reads the whole message's vector, as the detector computes it.
    vectors = None
    if embedder is not None and not args.lexical:
        vectors = dict(zip(prepared, embedder.embed_documents(list(prepared.values())), strict=True))
    groups = sorted({r.group for r in rows})
    header = f"{'held-out file':<20} {'n':>5}  {'detector alone':<22}" + "".join(
        f"  {'+ clf @' + str(t):<22}" for t in thresholds
    )
    print(header + "\n" + " " * 28 + "   ".join(["recall must  FPR  "] * (1 + len(thresholds))))
    pooled: dict[float, list[tuple[Row, tuple[str, ...]]]] = {t: [] for t in [-1.0, *thresholds]}
    for group in groups:
        train = [r for r in rows if r.group != group]
        test = [r for r in rows if r.group == group]
        model = fit(
            [prepared[r.text] for r in train],
            [r.category for r in train],
            c=args.c,
            weights=[args.must_weight if r.must_catch else 1.0 for r in train],
            vectors=None if vectors is None else np.stack([vectors[r.text] for r in train]),
            model_id=MODEL_ID,
            scale=args.scale,
        )
        cells = []
        for t in [-1.0, *thresholds]:
            tuned = at_threshold(model, t)
            answers = [alone[r.text] if t < 0 else answer(r.text, embedder, tuned) for r in test]
            pooled[t] += list(zip(test, answers, strict=True))
            recall, must, fpr, _, _ = figures(test, answers)
            cells.append(_cell(recall, must, fpr))
            if args.dump and t == thresholds[-1]:
                with args.dump.open("a", encoding="utf-8") as fh:
                    for r, a in zip(test, answers, strict=True):
                        fh.write(json.dumps(dataclasses.asdict(r) | {"answer": a}) + "\n")
            if args.misses and t == thresholds[-1]:
                for r, a in zip(test, answers, strict=True):
                    if (r.category and r.category not in a) or (not r.category and a):
                        print(f"    {r.category or '-':<17} got {a!s:<34} {r.text!r}")
        _, _, _, n_risk, n_safe = figures(test, [alone[r.text] for r in test])
        print(f"{group:<20} {n_risk:>3}/{n_safe:<3} " + "   ".join(cells), flush=True)
    total = [figures([r for r, _ in pooled[t]], [a for _, a in pooled[t]]) for t in [-1.0, *thresholds]]
    print(f"{'all files pooled':<20} {len(rows):>7} " + "   ".join(_cell(r, m, f) for r, m, f, _, _ in total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
