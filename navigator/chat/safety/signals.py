"""Signals that count together: cues too weak to call a crisis alone, but telling in company.

"I've written my letters" or "he says it's our secret" may be nothing on their own; said with "and
sorted out who gets the dog", or about "a man from his gaming group", they are how people write risk
without naming it. Each [[signals]] group in data/patterns.toml is one concept (final arrangements,
secrecy, an adult's attention, a coercive rule at home…) with a weight. A category is called when groups
of *different* concepts, found close together in one message, add up to [signal_totals] `needs`.
A group counts once however often its words appear, so repeating one cue never makes a crisis.

This generalises better than one rule per phrasing: a new message that mixes two known concepts in
new words is still caught, and each concept alone stays quiet (a will, a secret, a coach's message).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from navigator.chat.safety.config import SafetyConfigError

MAX_PER_GROUP = 20  # matches kept per group: a pasted essay must not make the pairing quadratic in size


@dataclass(frozen=True)
class SignalGroup:
    category: str
    name: str
    weight: float
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class SignalSettings:
    needs: float  # total weight of different groups that calls the category
    confidence: float  # confidence of a call made this way (below a clear phrase rule's)
    window: int  # characters: cues further apart than this do not count together


@dataclass(frozen=True)
class Found:
    group: SignalGroup
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Combined:
    """A category called by signals: the cues that added up, in message order."""

    category: str
    score: float
    found: tuple[Found, ...]

    @property
    def start(self) -> int:
        return min(f.start for f in self.found)

    @property
    def end(self) -> int:
        return max(f.end for f in self.found)

    @property
    def matched(self) -> str:
        return " + ".join(f.text for f in self.found)

    @property
    def rule(self) -> str:
        return "signals: " + " + ".join(f.group.name for f in self.found)


def find(masked: str, groups: tuple[SignalGroup, ...]) -> list[Found]:
    found: list[Found] = []
    for group in groups:
        kept = 0
        for pattern in group.patterns:
            for m in pattern.finditer(masked):
                found.append(Found(group, m.start(), m.end(), m.group()))
                kept += 1
                if kept >= MAX_PER_GROUP:
                    break
            if kept >= MAX_PER_GROUP:
                break
    return sorted(found, key=lambda f: f.start)


def combine(found: list[Found], settings: SignalSettings) -> list[Combined]:
    """The best-scoring window per category whose different groups reach `needs`."""
    best: dict[str, Combined] = {}
    for i, first in enumerate(found):
        per_category: dict[str, dict[str, Found]] = {}
        for cue in found[i:]:
            if cue.start - first.start > settings.window:
                break
            groups = per_category.setdefault(cue.group.category, {})
            current = groups.get(cue.group.name)
            if current is None or cue.group.weight > current.group.weight:
                groups[cue.group.name] = cue
        for category, groups in per_category.items():
            score = round(sum(f.group.weight for f in groups.values()), 3)
            if score + 1e-9 < settings.needs:
                continue
            held = best.get(category)
            if held is None or score > held.score:
                cues = tuple(sorted(groups.values(), key=lambda f: f.start))
                best[category] = Combined(category, score, cues)
    return sorted(best.values(), key=lambda c: -c.score)


def build_signals(
    data: dict[str, Any],
    where: str,
    categories: tuple[str, ...],
    compile_one: Callable[[str, str], re.Pattern[str]],
) -> tuple[tuple[SignalGroup, ...], SignalSettings]:
    raw = data.get("signal_totals", {})
    try:
        settings = SignalSettings(
            float(raw.get("needs", 1.0)), float(raw.get("confidence", 0.8)), int(raw.get("window", 400))
        )
    except (TypeError, ValueError) as exc:
        raise SafetyConfigError(
            f"{where}: [signal_totals] needs, confidence and window must be numbers ({exc})."
        ) from exc
    groups: list[SignalGroup] = []
    names: set[tuple[str, str]] = set()
    for i, spec in enumerate(data.get("signals", [])):
        place = f"[[signals]] #{i + 1}"
        category, name = spec.get("category"), spec.get("name")
        if category not in categories:
            raise SafetyConfigError(f"{where}: {place}: category {category!r} is not one of {categories}.")
        if not isinstance(name, str) or not name:
            raise SafetyConfigError(f'{where}: {place} ({category}): give it a name = "..." (the concept).')
        if (category, name) in names:
            raise SafetyConfigError(f"{where}: {place}: {category} already has a group named {name!r}.")
        names.add((category, name))
        patterns = spec.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise SafetyConfigError(f"{where}: {place} ({name}): `patterns = [...]` is missing or empty.")
        try:
            weight = float(spec["weight"])
        except (KeyError, TypeError, ValueError) as exc:
            raise SafetyConfigError(f"{where}: {place} ({name}): weight = a number below needs.") from exc
        if not 0 < weight < settings.needs:
            raise SafetyConfigError(
                f"{where}: {place} ({name}): weight {weight} must be above 0 and below needs "
                f"({settings.needs}); a cue strong enough alone belongs in [[rules]]."
            )
        compiled = tuple(compile_one(p, f"{place} ({name})") for p in patterns)
        groups.append(SignalGroup(category, name, weight, compiled))
    return tuple(groups), settings
