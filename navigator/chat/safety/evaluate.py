"""Scoring the detector on a labelled set (JSONL of {"text", "category" or null, "must_catch", "note"}).

A risk message is caught when the detector names its category (first or among `also`): the right
help matters, not just some help. A non-risk message is a false positive when any category is named.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from navigator.chat.safety.result import SafetyResult
from navigator.chat.safety.rules import CATEGORIES


@dataclass(frozen=True)
class Example:
    text: str
    category: str | None
    must_catch: bool
    note: str


@dataclass
class Outcome:
    example: Example
    result: SafetyResult
    seconds: float

    @property
    def caught(self) -> bool:
        wanted = self.example.category
        return wanted is not None and (self.result.category == wanted or wanted in self.result.also)

    @property
    def flagged(self) -> bool:
        return self.result.category is not None


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _risk(self, category: str | None = None) -> list[Outcome]:
        return [
            o
            for o in self.outcomes
            if o.example.category is not None and (category is None or o.example.category == category)
        ]

    @property
    def recall(self) -> float:
        risk = self._risk()
        return sum(o.caught for o in risk) / len(risk) if risk else 1.0

    @property
    def flagged_recall(self) -> float:
        """Risk messages shown any crisis help (even if the category was wrong)."""
        risk = self._risk()
        return sum(o.flagged for o in risk) / len(risk) if risk else 1.0

    @property
    def must_catch_recall(self) -> float:
        must = [o for o in self._risk() if o.example.must_catch]
        return sum(o.caught for o in must) / len(must) if must else 1.0

    @property
    def false_positive_rate(self) -> float:
        safe = [o for o in self.outcomes if o.example.category is None]
        return sum(o.flagged for o in safe) / len(safe) if safe else 0.0

    def category_recall(self) -> dict[str, tuple[int, int]]:
        """category → (caught, total)."""
        return {c: (sum(o.caught for o in self._risk(c)), len(self._risk(c))) for c in CATEGORIES}

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self._risk() if not o.caught]

    @property
    def false_positives(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.example.category is None and o.flagged]

    def latencies_ms(self) -> list[float]:
        return sorted(o.seconds * 1000 for o in self.outcomes)


def load_examples_file(path: Path) -> list[Example]:
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            category = row["category"]
            if category is not None and category not in CATEGORIES:
                raise ValueError(f"category {category!r} is not one of {CATEGORIES} or null")
            examples.append(
                Example(str(row["text"]), category, bool(row["must_catch"]), str(row.get("note", "")))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: {exc} (need text, category, must_catch, note)") from exc
    return examples


def evaluate(examples: list[Example], detector: Callable[[str], SafetyResult]) -> Report:
    report = Report()
    for example in examples:
        started = time.perf_counter()
        result = detector(example.text)
        report.outcomes.append(Outcome(example, result, time.perf_counter() - started))
    return report


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
