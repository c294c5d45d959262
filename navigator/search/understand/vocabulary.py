"""The need vocabulary: data/needs.toml read, checked and compiled into matchable phrases.

The TOML is for non-developers to edit, so every mistake is reported with the need and field it is in.
A phrase is a few words; `{slot}` stands for any word listed under [slots]; a word ending in `*`
matches any word starting that way. Words are compared stemmed, so "widow" also finds "widowed".
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from navigator.search.understand.textspeak import VocabularyFileError
from navigator.search.understand.tokens import stem, words

_SLOT = re.compile(r"\{(\w+)\}")
KINDS = ("service", "condition", "group")
FOLDS = ("never", "service", "any")
WEIGHTS = {"asks": 0.95, "phrases": 0.85, "hints": 0.3}


@dataclass(frozen=True)
class PhraseWord:
    value: str  # a stem, or a prefix when `prefix` is set
    prefix: bool

    def matches(self, norm: str, stemmed: str) -> bool:
        return norm.startswith(self.value) if self.prefix else stemmed == self.value


@dataclass(frozen=True)
class Phrase:
    need: str
    source: str  # as written in the TOML, for `matched` and debugging
    words: tuple[PhraseWord, ...]
    strength: str  # "asks" | "phrases" | "hints"
    weight: float


@dataclass(frozen=True)
class NeedSpec:
    key: str
    label: str
    kind: str  # "service": a kind of help; "condition": what someone lives with; "group": who they are
    services: tuple[str, ...]
    core: str  # the few words that carry this need into another need's expansion when folded
    categories: tuple[str, ...]
    supersedes: tuple[str, ...]
    examples: tuple[str, ...]  # every phrasing as written (slots expanded): embedded for semantic match
    generic: bool = False  # describes the form of help ("a group"), dropped beside a specific service
    fold: str = "never"  # "service": folds into a service found beside it; "any": into any other need
    also_meets: tuple[str, ...] = ()  # needs this one meets when asked for (a toddler group meets isolation)

    @property
    def expansion(self) -> str:
        return ", ".join((self.label, *self.services))


@dataclass(frozen=True)
class Settings:
    max_gap: int = 2
    threshold: float = 0.55
    max_needs: int = 3


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: caches key on the loaded object
class Vocabulary:
    needs: dict[str, NeedSpec]
    phrases: tuple[Phrase, ...]
    settings: Settings
    life_stages: dict[str, str] = field(default_factory=dict)  # life stage -> words added to expansions

    def domain_words(self) -> set[str]:
        """Every word the vocabulary uses: the spelling step prefers these as repairs."""
        found: set[str] = set()
        for spec in self.needs.values():
            for text in (spec.label, spec.core, *spec.services, *spec.examples):
                found.update(w for w in words(text) if w.isalpha())
        return found


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read a need vocabulary (default: the packaged data/needs.toml)."""
    if path is None:
        return _packaged()
    return parse_vocabulary(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def _packaged() -> Vocabulary:
    ref = resources.files("navigator.search.understand") / "data" / "needs.toml"
    return parse_vocabulary(ref.read_text(encoding="utf-8"), "navigator/search/understand/data/needs.toml")


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyFileError(f"{where} must be a list of non-empty quoted strings.")
    return tuple(v.strip() for v in value)


def _expand_slots(text: str, slots: dict[str, tuple[str, ...]], where: str) -> list[str]:
    """Every phrase a pattern stands for: "lost my {partner}" -> "lost my wife", "lost my husband"..."""
    names = _SLOT.findall(text)
    for name in names:
        if name not in slots:
            raise VocabularyFileError(
                f"{where}: {{{name}}} is not a slot; define it under [slots] {sorted(slots)}."
            )
    if not names:
        return [text]
    pieces = _SLOT.split(text)  # literal, name, literal, name, ..., literal
    expanded = []
    for combo in itertools.product(*(slots[n] for n in names)):
        out = pieces[0]
        for value, literal in zip(combo, pieces[2::2], strict=True):
            out += value + literal
        expanded.append(out)
    return expanded


def _compile(text: str, need: str, strength: str, where: str) -> Phrase:
    compiled: list[PhraseWord] = []
    for piece in text.split():
        prefix = piece.endswith("*")
        for w in words(piece):
            compiled.append(PhraseWord(w if prefix else stem(w), prefix))
    if not compiled:
        raise VocabularyFileError(f"{where}: phrase {text!r} has no words.")
    return Phrase(need, text, tuple(compiled), strength, WEIGHTS[strength])


def _fold_rule(value: object, kind: str, where: str) -> str:
    default = {"service": "never", "condition": "service", "group": "any"}[kind]
    if value is None:
        return default
    if value not in FOLDS:
        raise VocabularyFileError(f"{where}: fold must be one of {FOLDS}, not {value!r}.")
    return str(value)


def parse_vocabulary(text: str, where: str) -> Vocabulary:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyFileError(
            f"{where}: not valid TOML ({exc}). Check quotes, commas and brackets."
        ) from exc
    raw_settings = data.get("settings", {})
    settings = Settings(
        **{k: raw_settings[k] for k in ("max_gap", "threshold", "max_needs") if k in raw_settings}
    )
    slots = {name: _strings(v, f"{where} [slots] {name}") for name, v in data.get("slots", {}).items()}
    needs: dict[str, NeedSpec] = {}
    phrases: list[Phrase] = []
    for i, raw in enumerate(data.get("need", [])):
        key = raw.get("key")
        at = f"{where} [[need]] #{i + 1} ({key or 'no key'})"
        if not isinstance(key, str) or not key.isidentifier():
            raise VocabularyFileError(f'{at}: `key` must be a short identifier like "bereavement".')
        if key in needs:
            raise VocabularyFileError(f"{at}: key {key!r} is used twice; keys must be unique.")
        unknown = set(raw) - {
            "key",
            "label",
            "kind",
            "services",
            "core",
            "categories",
            "supersedes",
            "asks",
            "phrases",
            "hints",
            "generic",
            "fold",
            "also_meets",
        }
        if unknown:
            raise VocabularyFileError(f"{at}: unknown field(s) {sorted(unknown)}; check the spelling.")
        kind = raw.get("kind", "service")
        if kind not in KINDS:
            raise VocabularyFileError(f"{at}: kind must be one of {KINDS}, not {kind!r}.")
        if not isinstance(raw.get("label"), str):
            raise VocabularyFileError(f"{at}: `label` (the words shown to people) is missing.")
        examples: list[str] = []
        for strength in WEIGHTS:
            for written in _strings(raw.get(strength, []), f"{at} {strength}"):
                expansions = _expand_slots(written, slots, f"{at} {strength}")
                for expanded in expansions:
                    phrases.append(_compile(expanded, key, strength, f"{at} {strength}"))
                if strength != "hints":  # a couple of slot values are enough to carry the meaning
                    examples.extend(e.replace("*", "") for e in expansions[:2])
        if not examples:
            raise VocabularyFileError(f"{at}: give at least one entry in `asks` or `phrases`.")
        needs[key] = NeedSpec(
            key=key,
            label=raw["label"],
            kind=kind,
            services=_strings(raw.get("services", []), f"{at} services"),
            core=str(raw.get("core", raw["label"])),
            categories=_strings(raw.get("categories", []), f"{at} categories"),
            supersedes=_strings(raw.get("supersedes", []), f"{at} supersedes"),
            examples=tuple(dict.fromkeys(examples)),
            generic=bool(raw.get("generic", False)),
            fold=_fold_rule(raw.get("fold"), kind, at),
            also_meets=_strings(raw.get("also_meets", []), f"{at} also_meets"),
        )
    for spec in needs.values():
        for other in (*spec.supersedes, *spec.also_meets):
            if other not in needs:
                raise VocabularyFileError(f"{where} need {spec.key!r}: names unknown need {other!r}.")
    stages = data.get("life_stages", {})
    if not isinstance(stages, dict) or not all(isinstance(v, str) for v in stages.values()):
        raise VocabularyFileError(
            f'{where}: [life_stages] must be lines like `"young person" = "young people"`.'
        )
    return Vocabulary(needs, tuple(phrases), settings, dict(stages))
