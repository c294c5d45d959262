"""Phrase rules over normalised text (data/patterns.toml): masks, risk patterns, negation and subject.

A rule is a regular expression over the normaliser's output (lower-case words, single spaces, " . "
between sentences) with named macros such as {gap} (up to three words) or {refl} (myself, herself…).
Masks are applied first: idioms ("this traffic is killing me") and topics that are not a crisis
("support group for families bereaved by suicide") are replaced by a neutral word, so a risk said in
the same message still matches ("… bereaved by suicide. some days i want to die too").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from navigator.chat.safety.config import SafetyConfigError, read_toml
from navigator.chat.safety.signals import SignalGroup, SignalSettings, build_signals, combine, find

CATEGORIES = ("suicide", "self_harm", "domestic_abuse", "child_at_risk", "medical_emergency")
MASK_WORD = "xx"
_MACRO = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Rule:
    category: str
    confidence: float
    negatable: bool
    pattern: re.Pattern[str]
    source: str  # the pattern as written, for reports


@dataclass(frozen=True)
class Hit:
    category: str
    confidence: float
    matched: str
    start: int
    end: int
    negated: bool
    subject: str  # "self" or "other"
    rule: str


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    masks: tuple[re.Pattern[str], ...]
    negators: frozenset[str]
    negation_window: int
    not_negations: tuple[re.Pattern[str], ...]
    first_person: frozenset[str]
    third_person: frozenset[str]
    medical_advice: tuple[re.Pattern[str], ...]
    signals: tuple[SignalGroup, ...] = ()
    signal_settings: SignalSettings = field(default_factory=lambda: SignalSettings(1.0, 0.8, 400))

    def mask(self, text: str) -> str:
        for pattern in self.masks:
            text = pattern.sub(MASK_WORD, text)
        return text

    def match(self, masked: str) -> list[Hit]:
        hits: list[Hit] = []
        for rule in self.rules:
            for m in rule.pattern.finditer(masked):
                negated = rule.negatable and self._negated(masked, m.start())
                hits.append(
                    Hit(
                        rule.category,
                        rule.confidence,
                        m.group(),
                        m.start(),
                        m.end(),
                        negated,
                        self._subject(masked, m.start(), m.group()),
                        rule.source,
                    )
                )
        # Weak cues of different concepts that add up (signals.py); never negated: each cue is
        # ordinary alone, and "not" before one of them does not undo the other.
        for called in combine(find(masked, self.signals), self.signal_settings):
            hits.append(
                Hit(
                    called.category,
                    self.signal_settings.confidence,
                    called.matched,
                    called.start,
                    called.end,
                    False,
                    self._subject(masked, called.start, called.matched),
                    called.rule,
                )
            )
        return hits

    def _before(self, text: str, start: int, count: int) -> list[str]:
        """Up to `count` words before `start`, nearest last, stopping at a sentence end."""
        head = text[:start].rsplit(" . ", 1)[-1]
        return head.split()[-count:]

    def _negated(self, text: str, start: int) -> bool:
        window = self._before(text, start, self.negation_window)
        if "but" in window:
            window = window[len(window) - window[::-1].index("but") :]
        if not any(w in self.negators for w in window):
            return False
        tail = " ".join(self._before(text, start, self.negation_window + 2)) + " "
        return not any(p.search(tail) for p in self.not_negations)

    def _subject(self, text: str, start: int, matched: str) -> str:
        words = matched.split()
        if any(w in ("me", "myself", "my", "mine") for w in words):
            return "self"
        if any(w in ("himself", "herself", "themselves", "themself", "him", "her", "them") for w in words):
            return "other"
        for word in reversed(self._before(text, start, 6)):
            if word in self.first_person:
                return "self"
            if word in self.third_person:
                return "other"
        return "self"


@lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    """The packaged rule set (data/patterns.toml)."""
    data, where = read_toml("patterns.toml")
    return build_rules(data, where)


def load_rules_file(path: Path) -> RuleSet:
    data, where = read_toml(path.name, path)
    return build_rules(data, where)


def build_rules(data: dict[str, Any], where: str) -> RuleSet:
    macros = data.get("macros", {})
    if not isinstance(macros, dict):
        raise SafetyConfigError(f'{where}: [macros] must be a table of `name = "regex"` lines.')

    def compile_one(source: str, place: str) -> re.Pattern[str]:
        def expand(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in macros:
                raise SafetyConfigError(f"{where}: {place}: unknown macro {{{name}}} in {source!r}.")
            return f"(?:{macros[name]})"

        try:
            body = _MACRO.sub(expand, source)
            body = _MACRO.sub(expand, body)  # macros may use macros, one level deep
            return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")
        except re.error as exc:
            raise SafetyConfigError(f"{where}: {place}: {source!r} is not a valid pattern ({exc}).") from exc

    rules: list[Rule] = []
    for i, spec in enumerate(data.get("rules", [])):
        place = f"[[rules]] #{i + 1}"
        category = spec.get("category")
        if category not in CATEGORIES:
            raise SafetyConfigError(f"{where}: {place}: category {category!r} is not one of {CATEGORIES}.")
        patterns = spec.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise SafetyConfigError(f"{where}: {place} ({category}): `patterns = [...]` is missing or empty.")
        confidence = float(spec.get("confidence", 0.9))
        negatable = bool(spec.get("negatable", False))
        for source in patterns:
            rules.append(Rule(category, confidence, negatable, compile_one(source, place), source))
    masks = tuple(compile_one(p, "[mask]") for p in _list(data, "mask", "patterns", where))
    medical = tuple(
        compile_one(p, "[medical_advice]") for p in _list(data, "medical_advice", "patterns", where)
    )
    negation = data.get("negation", {})
    signals, signal_settings = build_signals(data, where, CATEGORIES, compile_one)
    return RuleSet(
        rules=tuple(rules),
        masks=masks,
        negators=frozenset(_list(data, "negation", "words", where)),
        negation_window=int(negation.get("window", 3)),
        not_negations=tuple(compile_one(p, "[negation]") for p in _list(data, "negation", "except", where)),
        first_person=frozenset(_list(data, "subject", "self", where)),
        third_person=frozenset(_list(data, "subject", "other", where)),
        medical_advice=medical,
        signals=signals,
        signal_settings=signal_settings,
    )


def _list(data: dict[str, Any], section: str, key: str, where: str) -> list[str]:
    value = data.get(section, {}).get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SafetyConfigError(f"{where}: [{section}] {key} must be a list of quoted strings.")
    return value
