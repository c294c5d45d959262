"""Score the crisis detector on the labelled safety sets and time it.

    python bench/safety_eval.py [SET.jsonl ...] [--rules-only] [--both] [--quiet] [--verbose] [--similarities]

Default sets: navigator/chat/safety/data/training/labelled.jsonl (the tuning set), holdout.jsonl and
generalisation.jsonl (fresh phrasings written before the rules were generalised). For each set and
mode (phrase rules + semantic match with the real embedder, and/or phrase rules only) it prints recall
overall, on the must-catch subset and per category, the false-positive rate, every miss and false
positive with the detector's reason, and the time per message (p50/p95, example vectors cached).
`--quiet` prints the figures only, never a message's text: use it for a blind set that judges the
detector (holdout_v2.jsonl is always reported that way), so reading the output cannot tune towards it.
`--similarities` prints the best cosine per category for each message (for tuning examples.toml).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from navigator.chat.safety import detect
from navigator.chat.safety.evaluate import Report, evaluate, load_examples_file, percentile
from navigator.chat.safety.rules import load_rules
from navigator.chat.safety.semantic import best_similarities, load_examples

REPO = Path(__file__).resolve().parents[1]
TRAINING = REPO / "navigator/chat/safety/data/training"
SETS = [TRAINING / "labelled.jsonl", TRAINING / "holdout.jsonl", TRAINING / "generalisation.jsonl"]
BLIND = ("holdout_v2",)  # sets reported by their figures only, whatever the flags


def load_real_embedder(data_dir: Path) -> object:
    from navigator.config import Settings
    from navigator.search.embedder import load_embedder

    return load_embedder(Settings(data_dir=data_dir))


def print_report(name: str, report: Report, verbose: bool, quiet: bool = False) -> None:
    print(f"\n== {name}: {len(report.outcomes)} messages")
    print(
        f"recall {report.recall:.1%} (any help shown {report.flagged_recall:.1%}) | "
        f"must-catch {report.must_catch_recall:.1%} | false positives {report.false_positive_rate:.1%} "
        f"({len(report.false_positives)})"
    )
    for category, (caught, total) in report.category_recall().items():
        print(f"  {category:<18} {caught:>3}/{total:<3} {caught / total if total else 1:.1%}")
    times = report.latencies_ms()
    print(f"time per message: p50 {percentile(times, 0.5):.2f} ms, p95 {percentile(times, 0.95):.2f} ms")
    if quiet:
        print(f"  ({len(report.misses)} misses and {len(report.false_positives)} false positives not shown)")
        return
    for label, rows in (("MISS", report.misses), ("FALSE POSITIVE", report.false_positives)):
        for o in rows:
            must = " [must]" if o.example.must_catch else ""
            print(f"  {label}{must}: {o.example.text!r} want {o.example.category} got {o.result.category}")
            print(f"      {o.result.reason}")
    if verbose:
        for o in report.outcomes:
            print(f"  {o.example.category or '-':<18} {o.result.category or '-':<18} {o.example.text!r}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--rules-only", action="store_true", help="phrase rules only (no embedder)")
    parser.add_argument("--both", action="store_true", help="both modes")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="figures only, no message text")
    parser.add_argument("--similarities", action="store_true")
    args = parser.parse_args()
    sets = [p for p in (args.sets or SETS) if p.is_file()]
    if not sets:
        print("no labelled set found", file=sys.stderr)
        return 1
    modes = ["rules", "semantic"] if args.both else ["rules"] if args.rules_only else ["semantic"]
    load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        embedder = None
        if "semantic" in modes:
            started = time.perf_counter()
            embedder = load_real_embedder(Path(os.environ.get("NAVIGATOR_DATA_DIR", tmp)))
            detect("warm up the example vectors", embedder=embedder)  # type: ignore[arg-type]
            print(f"embedder ready in {time.perf_counter() - started:.1f} s")
        for path in sets:
            examples = load_examples_file(path)
            for mode in modes:
                chosen = embedder if mode == "semantic" else None
                report = evaluate(examples, lambda text, e=chosen: detect(text, embedder=e))  # type: ignore[misc]
                blind = args.quiet or any(b in path.name for b in BLIND)
                print_report(f"{path.name} / {mode}", report, args.verbose and not blind, blind)
            if args.similarities and embedder is not None and not any(b in path.name for b in BLIND):
                for ex in examples:
                    sims = best_similarities(ex.text, embedder, load_examples())  # type: ignore[arg-type]
                    shown = " ".join(f"{k[:6]}={v:.2f}" for k, v in sims.items())
                    print(f"  {ex.category or '-':<18} {shown}  {ex.text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
